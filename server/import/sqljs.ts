/**
 * sql.js (SQLite compiled to WebAssembly) for the server and worker threads, initialised once when
 * this module loads, so that GeoPackage parsing stays synchronous like the other parsers.
 */
import initSqlJs from 'sql.js';

export const SQL = await initSqlJs();
