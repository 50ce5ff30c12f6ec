/**
 * npm run generate-demo [-- --seed N] [--out .data/demo] [--no-db] [--raw DIR [--datum wgs84|gcj02]]
 * Generates the synthetic demo district, writes one <layer>.geojson per layer (plus meta.json) to
 * the output directory (with --raw, also the raw files a real district brings: boundaries.geojson,
 * streets.geojson, buildings.geojson and register.csv, as `partition-district` and the import view
 * read them), loads it into the configured database (openDb(): DATABASE_URL or the
 * embedded PGlite in .data/pglite), prints counts and households per sub-district as JSON on
 * stdout; progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemo, LAYERS, DEFAULT_SEED } from '../geodata/generator';
import { rawDistrictFiles } from '../geodata/generator/raw-files';
import { openDb } from '../server/db';
import { loadDemo } from '../server/demo/load';
import { exitOnDataDirError, runningServer } from './lib/db-or-server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const seedArg = arg('seed');
  const seed = seedArg !== undefined ? Number(seedArg) : DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${seedArg}`);
  const out = resolve(arg('out') ?? '.data/demo');
  // before the seconds of generating: the embedded data directory must be free (exit 2 otherwise)
  if (!process.argv.includes('--no-db')) runningServer({ tool: 'generate-demo', viaServer: false, advice: 'stop it first or use --no-db' });
  const t0 = Date.now();
  process.stderr.write(`generating demo district (seed ${seed})...\n`);
  const demo = generateDemo({ seed });
  const generateMs = Date.now() - t0;
  process.stderr.write(`generated in ${generateMs} ms; writing ${out}\n`);
  mkdirSync(out, { recursive: true });
  for (const layer of LAYERS) writeFileSync(join(out, `${layer}.geojson`), JSON.stringify(demo[layer]));
  writeFileSync(join(out, 'meta.json'), JSON.stringify(demo.meta, null, 2));
  const rawDir = arg('raw');
  let raw: { dir: string; rows: number; households: number } | null = null;
  if (rawDir) {
    const datum = arg('datum') ?? 'wgs84';
    if (datum !== 'wgs84' && datum !== 'gcj02') throw new Error(`--datum must be wgs84 or gcj02, got ${datum}`);
    const files = rawDistrictFiles(demo, { datum });
    const dir = resolve(rawDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'boundaries.geojson'), JSON.stringify(files.boundaries));
    writeFileSync(join(dir, 'streets.geojson'), JSON.stringify(files.streets));
    writeFileSync(join(dir, 'buildings.geojson'), JSON.stringify(files.buildings));
    writeFileSync(join(dir, 'register.csv'), files.register);
    raw = { dir, rows: files.registerRows, households: files.registerHouseholds };
    process.stderr.write(`raw files written to ${dir} (register: ${files.registerRows} rows, ${files.registerHouseholds} households, ${datum})\n`);
  }
  let loadMs: number | null = null;
  let backend: string | null = null;
  if (!process.argv.includes('--no-db')) {
    const db = await openDb();
    backend = db.kind;
    const t1 = Date.now();
    try {
      await loadDemo(db, demo, (p, msg) => process.stderr.write(`[${(p * 100).toFixed(0).padStart(3)}%] ${msg}\n`));
    } finally {
      await db.close();
    }
    loadMs = Date.now() - t1;
  }
  const counts = Object.fromEntries(LAYERS.map((l) => [l, demo[l].features.length]));
  const households = Object.fromEntries(demo.subdistricts.features.map((f) => [f.properties.name, f.properties.households]));
  process.stdout.write(
    JSON.stringify({ seed, out, raw, backend, counts, households_per_subdistrict: households, generate_ms: generateMs, load_ms: loadMs }, null, 2) + '\n',
  );
}

main().catch((e) => {
  exitOnDataDirError(e);
  process.stderr.write(`generate-demo failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
