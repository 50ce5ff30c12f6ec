/**
 * npm run --silent partition-district -- --boundaries B.geojson --streets R.geojson --households H.csv \
 *     [--buildings F.geojson] [--water W.geojson] [--datum wgs84|gcj02|bd09] [--min 300] [--max 500] [--target 400] [--seed 1] --out G.geojson
 *
 * A district from its raw files to balanced grids, with no database: streets → blocks → units →
 * grids (server/algorithms/units/pipeline.ts). Water areas (rivers, lakes: their inside is no land,
 * their shore divides it) come from water-tagged polygons in R or from the optional W. G is a FeatureCollection of grids (properties id,
 * households, subdistrict, …) with a top-level "warnings" array (and "stats").
 * Bad input: exit 2 with one `error: <file>: <feature or line>: <problem>` line on stderr.
 */
import { readFileSync } from 'node:fs';
import { fail, parseArgs, progress, readJson, writeJson } from './lib/cli';
import { DistrictInputError, parseBoundaries, parseBuildings, parseHouseholds, parseStreets, parseWater, type DistrictFile } from '../server/import/district';
import { DATUMS, type Datum } from '../common/gis-files/feature-types';
import { partitionDistrict } from '../server/algorithms/units';
import type { DistrictWarning } from '../server/algorithms/units';
import { pointInRings } from '../server/algorithms/units';

const args = parseArgs(process.argv.slice(2), {
  boundaries: 'string',
  streets: 'string',
  households: 'string',
  buildings: 'string',
  water: 'string',
  datum: 'string',
  min: 'number',
  max: 'number',
  target: 'number',
  seed: 'number',
  out: 'string',
  quiet: 'boolean',
});
for (const k of ['boundaries', 'streets', 'households', 'out'] as const)
  if (!args[k]) fail(`missing --${k} ${k === 'households' ? 'H.csv' : `${k[0].toUpperCase()}.geojson`}`);
const datum = (args.datum ?? 'wgs84') as Datum;
if (!DATUMS.includes(datum)) fail(`--datum ${args.datum}: must be one of ${DATUMS.join(', ')}`);
const min = args.min ?? 300,
  max = args.max ?? 500;
if (!Number.isInteger(min) || min < 0) fail(`--min ${min}: must be a non-negative integer`);
if (!Number.isInteger(max) || max < 1) fail(`--max ${max}: must be a positive integer`);
if (min > max) fail(`--min ${min} is greater than --max ${max}`);
const target = args.target ?? (args.min === undefined && args.max === undefined ? 400 : Math.round((min + max) / 2));
if (target < min || target > max) fail(`--target ${target} is outside [--min ${min}, --max ${max}]`);
if (args.seed !== undefined && !Number.isInteger(args.seed)) fail(`--seed ${args.seed}: must be an integer`);

const path: Record<DistrictFile, string> = {
  boundaries: args.boundaries!,
  streets: args.streets!,
  households: args.households!,
  buildings: args.buildings ?? '',
  water: args.water ?? '',
};
const withFile = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof DistrictInputError) fail(`${path[e.file]}: ${e.message}`);
    throw e;
  }
};
const log = args.quiet ? () => {} : progress;
const t0 = Date.now();
const areas = withFile(() => parseBoundaries(readJson(path.boundaries)));
const streets = withFile(() => parseStreets(readJson(path.streets)));
const buildings = args.buildings ? withFile(() => parseBuildings(readJson(path.buildings))) : undefined;
const water = [...streets.water, ...(args.water ? withFile(() => parseWater(readJson(path.water))) : [])];
let bytes: Uint8Array;
try {
  bytes = readFileSync(path.households);
} catch (e) {
  fail(`${path.households}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}
let x0 = Infinity,
  y0 = Infinity,
  x1 = -Infinity,
  y1 = -Infinity;
for (const a of areas)
  for (const poly of a.polygons)
    for (const p of poly[0]) {
      x0 = Math.min(x0, p[0]);
      y0 = Math.min(y0, p[1]);
      x1 = Math.max(x1, p[0]);
      y1 = Math.max(y1, p[1]);
    }
const hh = withFile(() => parseHouseholds(bytes, datum, [x0, y0, x1, y1]));
const readMs = Date.now() - t0;
const subs = areas.filter((a) => a.level === 'subdistrict');
if (hh.rows.length && !hh.rows.some((r) => subs.some((a) => a.polygons.some((poly) => pointInRings(r.lon, r.lat, poly))))) {
  fail(`${path.households}: no household row lies inside any sub-district of ${path.boundaries} (wrong --datum, or the register of another place?)`);
}
log(
  `partition-district: ${areas.length} boundaries, ${streets.lines.length} dividing street lines, ${hh.rows.length} household rows (${hh.encoding}), ${buildings?.length ?? 0} buildings, ${water.length} water areas; band ${min}-${max}, target ${target}`,
);

const result = partitionDistrict({ areas, lines: streets.lines, rows: hh.rows, buildings, water }, { min, max, target, seed: args.seed ?? 1 }, (f, m) =>
  log(`partition-district: ${Math.round(f * 100)}% ${m}`),
);
const nameFile = (w: DistrictWarning): DistrictWarning => {
  const file = w.file as DistrictFile | undefined;
  return file && path[file] ? { ...w, file: path[file], message: w.message.replace(new RegExp(`^${file}`), path[file]) } : w;
};
const warnings = [...hh.warnings, ...result.warnings].map(nameFile);
writeJson(args.out!, {
  type: 'FeatureCollection',
  warnings,
  stats: { ...result.stats, read_ms: readMs, streets_skipped: streets.skipped },
  features: result.grids,
});
log(
  `partition-district: ${result.stats.grids} grids, ${result.stats.in_band} in band, ${result.stats.households} households, ${warnings.length} warnings, ${Date.now() - t0} ms`,
);
