/** Public API of server/algorithms/editor: what the server, CLI and benches import. */
export { splitGrid } from './split';
export { suggestFix } from './suggest-fix';
