/**
 * npm run import -- --file F [--datum wgs84|gcj02|bd09] [--layer streets|buildings|shops|incidents|boundaries]
 *                   [--subdistrict ID] [--dry-run] [--anywhere] [--max-mb N]
 * Imports one GeoJSON / OSM XML / CSV file into the database (DATABASE_URL, else the embedded one).
 * Prints the report as JSON on stdout, progress on stderr. A bad file: exit 2 and one `error:` line.
 */
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../server/db';
import { ImportError } from '../server/import/errors';
import { commitImport, prepareImport, readImportFile, type ImportOptions } from '../server/import/importFile';
import { DATUMS, LAYERS, type Datum, type Layer } from '../server/import/types';

/** Bad arguments: ONE `error:` line (with the usage in it) and exit 2, like every CLI here. */
function usage(problem: string): never {
  process.stderr.write(
    `error: ${problem}; usage: npm run import -- --file F [--datum ${DATUMS.join('|')}] [--layer ${LAYERS.join('|')}] [--subdistrict ID] [--dry-run] [--anywhere]\n`,
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
    dryRun: Boolean(values['dry-run']),
    anywhere: Boolean(values.anywhere),
    maxBytes: maxMb !== undefined ? maxMb * 1024 * 1024 : undefined,
    onProgress: (m) => process.stderr.write(`${m}\n`),
  };
  let db: Db | undefined;
  try {
    // A bad file is refused before the database is opened.
    const prepared = prepareImport(await readImportFile(file, opts.maxBytes), file, opts);
    db = await openDb();
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
  process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
