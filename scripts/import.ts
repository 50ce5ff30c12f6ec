/**
 * npm run import -- --file F [--datum wgs84|gcj02|bd09] [--layer streets|buildings|shops|incidents|boundaries|register]
 *                   [--subdistrict ID] [--source-layer NAME] [--dry-run] [--anywhere] [--max-mb N]
 * Imports one GeoJSON / OSM XML / CSV / XLSX / zipped Shapefile / GeoPackage file into the database (DATABASE_URL, else the embedded one).
 * Prints the report as JSON on stdout, progress on stderr. A bad file: exit 2 and one `error:` line.
 * When the running server owns the embedded data directory, the checked file is sent to it
 * (POST /api/import with the server's local token) and written there, as one job.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../server/db';
import { ImportError } from '../common/gis-files/parse-errors';
import { commitImport, prepareImportFile, readImportFile, type ImportOptions } from '../server/import/import-file';
import { DATUMS, LAYERS, type Datum, type Layer } from '../common/gis-files/feature-types';
import { callServer, exitOnDataDirError, openTarget, serverError, type RunningServer } from './lib/db-or-server';

/** The import through the running server: the same file, checked again there, written as one job. */
async function viaServer(server: RunningServer, file: string, opts: ImportOptions): Promise<void> {
  const q = new URLSearchParams({ name: basename(file), datum: opts.datum ?? 'wgs84', wait: 'true' });
  if (opts.layer) q.set('layer', opts.layer);
  if (opts.subdistrict) q.set('subdistrict', opts.subdistrict);
  if (opts.sourceLayer) q.set('sourceLayer', opts.sourceLayer);
  if (opts.dryRun) q.set('dryRun', 'true');
  process.stderr.write(`import: sending ${basename(file)} to the running server (pid ${server.pid})\n`);
  const res = await callServer(server, 'import', 'POST', `/api/import?${q}`, readFileSync(file), { 'content-type': 'application/octet-stream' });
  if (res.status === 400 || res.status === 413) {
    process.stderr.write(`error: ${(await serverError(res)).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 2;
    return;
  }
  if (!res.ok) throw new Error(`the running server answered ${res.status}: ${await serverError(res)}`);
  const report = (await res.json()) as { warnings?: string[] };
  for (const w of report.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** Bad arguments: ONE `error:` line (with the usage in it) and exit 2, like every CLI here. */
function usage(problem: string): never {
  process.stderr.write(
    `error: ${problem}; usage: npm run import -- --file F [--datum ${DATUMS.join('|')}] [--layer ${LAYERS.join('|')}] [--subdistrict ID] [--source-layer NAME] [--dry-run] [--anywhere]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        file: { type: 'string' },
        datum: { type: 'string', default: 'wgs84' },
        layer: { type: 'string' },
        subdistrict: { type: 'string' },
        'source-layer': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        anywhere: { type: 'boolean', default: false },
        'max-mb': { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  const file = values.file as string | undefined;
  if (!file) usage('--file is required');
  const datum = String(values.datum).toLowerCase();
  if (!DATUMS.includes(datum as Datum)) usage(`unknown datum '${datum}' (expected ${DATUMS.join(', ')})`);
  const layer = values.layer as string | undefined;
  if (layer !== undefined && !LAYERS.includes(layer as Layer)) usage(`unknown layer '${layer}' (expected ${LAYERS.join(', ')})`);
  const maxMb = values['max-mb'] !== undefined ? Number(values['max-mb']) : undefined;
  if (maxMb !== undefined && !(maxMb > 0)) usage('--max-mb must be a positive number');

  const opts: ImportOptions = {
    datum: datum as Datum,
    layer: layer as Layer | undefined,
    subdistrict: values.subdistrict as string | undefined,
    sourceLayer: values['source-layer'] as string | undefined,
    dryRun: Boolean(values['dry-run']),
    anywhere: Boolean(values.anywhere),
    maxBytes: maxMb !== undefined ? maxMb * 1024 * 1024 : undefined,
    onProgress: (m) => process.stderr.write(`${m}\n`),
  };
  let db: Db | undefined;
  try {
    // A bad file is refused before the database is opened.
    const prepared = await prepareImportFile(await readImportFile(file, opts.maxBytes), file, opts);
    const target = await openTarget({
      tool: 'import',
      viaServer: !opts.anywhere,
      advice: 'stop it first to import with --anywhere (the server API keeps imports inside the district)',
    });
    if (target.server) return await viaServer(target.server, file, opts);
    db = target.db;
    const report = await commitImport(db, prepared, opts);
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } catch (err) {
    if (err instanceof ImportError) {
      process.stderr.write(`${err.toLine()}\n`);
      process.exitCode = 2;
    } else throw err;
  } finally {
    await db?.close();
  }
}

main().catch((err) => {
  exitOnDataDirError(err);
  process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
