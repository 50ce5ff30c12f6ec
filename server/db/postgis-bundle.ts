/**
 * A slim PostGIS extension bundle for PGlite. The stock bundle (@electric-sql/pglite-postgis,
 * 90 MB unpacked) carries postgis_raster and postgis_topology (31 MB of WebAssembly, compiled at
 * every start), 2 000 upgrade scripts and the contrib SQL; PGlite unpacks all of it into its
 * in-memory filesystem through several copies (gunzip → Blob → ArrayBuffer → untar → file), which
 * left ~340 MB in the C heap of the server for good. Wangge only needs `postgis` itself: its library,
 * its control file and install script, and the PROJ database. The slim bundle (35 MB unpacked) is
 * built once from the installed package and cached by the package's version.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import * as tar from 'tar';

/** Entries of the stock bundle Wangge needs (everything else is dropped). */
export function keepEntry(path: string): boolean {
  const p = path.replace(/^\.\//, '');
  return (
    p === 'lib/postgresql/postgis-3.so' ||
    p.startsWith('share/proj/') ||
    p === 'share/postgresql/extension/postgis.control' ||
    /^share\/postgresql\/extension\/postgis--\d+\.\d+\.\d+\.sql$/.test(p) // the install script, not upgrade paths
  );
}

/** Where the slim bundle is cached: node_modules/.cache/wangge, else the system's temporary directory. */
function cacheDirs(): string[] {
  const root = dirname(dirname(fileURLToPath(import.meta.url))); // server/db → server
  return [join(dirname(root), 'node_modules', '.cache', 'wangge'), join(tmpdir(), 'wangge-cache')];
}

/** The path of the slim bundle, building it from the stock one (a .tar.gz) when it is not cached yet. */
export function slimPostgisBundle(stock: string): string {
  const st = statSync(stock); // the installed package's bundle: its size and time name the slim one
  const key = createHash('sha1').update(`${stock}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 12);
  const name = `postgis-slim-${key}.tar.gz`;
  for (const dir of cacheDirs()) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  let lastErr: unknown;
  for (const dir of cacheDirs()) {
    try {
      mkdirSync(dir, { recursive: true });
      const work = mkdtempSync(join(dir, 'build-'));
      try {
        const files: string[] = [];
        tar.x({ file: stock, cwd: work, sync: true, filter: (p) => keepEntry(p) && (files.push(p.replace(/^\.\//, '')), true) });
        const tmp = join(work, name);
        tar.c(
          { gzip: { level: 1 }, file: tmp, cwd: work, sync: true, portable: true },
          files.filter((p) => !p.endsWith('/')),
        );
        renameSync(tmp, join(dir, name)); // atomic: a concurrent start sees the whole file or none
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      return join(dir, name);
    } catch (err) {
      lastErr = err; // read-only node_modules: try the next place
    }
  }
  throw lastErr;
}

/**
 * The postgis extension of PGlite with the slim bundle (the stock one when it cannot be built, or
 * with WANGGE_POSTGIS_BUNDLE=full).
 */
export const slimPostgis: Extension = {
  name: 'postgis',
  async setup(pg, emscriptenOpts) {
    const stock = await postgis.setup(pg, emscriptenOpts);
    if (!stock.bundlePath || process.env.WANGGE_POSTGIS_BUNDLE === 'full') return stock; // full: e.g. to compare memory
    try {
      return { ...stock, bundlePath: pathToFileURL(slimPostgisBundle(fileURLToPath(stock.bundlePath))) };
    } catch (err) {
      process.stderr.write(`warning: slim PostGIS bundle unavailable, using the full one (${(err as Error).message})\n`);
      return stock;
    }
  },
};
