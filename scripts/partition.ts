/**
 * npm run --silent partition -- --units U.geojson [--barriers B.geojson] [--min 300] [--max 500]
 *     [--target 400] [--previous P0.json] [--seed 1] --out P.json
 * Output P: { assignment: {unit id: grid id}, grids: [{id, households, units, …}], warnings: [...] }.
 * Bad input: exit 2 with one `error: <file>: feature <i> (id <id>): <problem>` line on stderr.
 */
import { fail, parseArgs, progress, readFeatureCollection, readJson, writeJson } from './lib/cli';
import { InputError, barriersFromGeoJSON, unitsFromGeoJSON } from '../server/algorithms/partition';
import { partition } from '../server/algorithms/partition';
import type { Barrier, PartitionUnit } from '../server/algorithms/partition';

const args = parseArgs(process.argv.slice(2), {
  units: 'string',
  barriers: 'string',
  min: 'number',
  max: 'number',
  target: 'number',
  previous: 'string',
  seed: 'number',
  out: 'string',
  quiet: 'boolean',
});
if (!args.units) fail('missing --units U.geojson');
if (!args.out) fail('missing --out P.json');
const min = args.min ?? 300,
  max = args.max ?? 500;
if (min < 0 || !Number.isInteger(min)) fail(`--min ${min}: must be a non-negative integer`);
if (max < 1 || !Number.isInteger(max)) fail(`--max ${max}: must be a positive integer`);
if (min > max) fail(`--min ${min} is greater than --max ${max}`);
const target = args.target ?? (args.min === undefined && args.max === undefined ? 400 : Math.round((min + max) / 2));
if (target < min || target > max) fail(`--target ${target} is outside [--min ${min}, --max ${max}]`);
if (args.seed !== undefined && !Number.isInteger(args.seed)) fail(`--seed ${args.seed}: must be an integer`);

const withFile = <T>(file: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) {
      const d = e.detail;
      fail(d.index < 0 ? `${file}: ${d.problem}` : `${file}: feature ${d.index} (id ${d.id ?? '?'}): ${d.problem}`);
    }
    throw e;
  }
};
const log = args.quiet ? () => {} : progress;
const units: PartitionUnit[] = withFile(args.units, () => unitsFromGeoJSON(readFeatureCollection(args.units!)));
if (units.length === 0) fail(`${args.units}: no units to partition (empty FeatureCollection)`);
const barriers: Barrier[] = args.barriers ? withFile(args.barriers, () => barriersFromGeoJSON(readFeatureCollection(args.barriers!))) : [];
let previous: Record<string, string> | undefined;
if (args.previous) {
  const p = readJson(args.previous) as { assignment?: unknown };
  if (!p || typeof p !== 'object' || !p.assignment || typeof p.assignment !== 'object' || Array.isArray(p.assignment))
    fail(`${args.previous}: missing "assignment" object`);
  previous = {};
  for (const [k, v] of Object.entries(p.assignment as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') fail(`${args.previous}: assignment of unit ${k} is not a grid id`);
    previous[k] = String(v);
  }
}
log(`partition: ${units.length} units, ${barriers.length} barrier lines, band ${min}-${max}, target ${target}`);
const result = partition({ units, barriers }, { min, max, target, seed: args.seed ?? 1, previous }, (f, m) => log(`partition: ${Math.round(f * 100)}% ${m}`));
writeJson(args.out, result);
log(`partition: ${result.stats.grids} grids, ${result.stats.in_band} in band, ${result.warnings.length} warnings, ${result.stats.ms} ms`);
