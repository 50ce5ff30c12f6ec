/**
 * group-shops: ten-household joint-defense groups by walking distance.
 *   npm run --silent group-shops -- --shops S.geojson --streets R.geojson [--size 10] [--cross-grids] [--heal] --out G.json
 * Exit 0 on success, 2 on bad input (one `error:` line on stderr), 1 on internal failure.
 */
import { writeFileSync } from 'node:fs';
import { fail, parseArgs, readJson } from './lib/cli';
import { groupShopsOnNetwork } from '../server/algorithms/grouping';
import { buildNetwork } from '../server/algorithms/routing';
import { healLines } from '../server/algorithms/routing';
import { checkPointsNearStreets, InputError, linesBbox, parseLines, parsePoints } from '../server/algorithms/routing';

function main(): void {
  const args = parseArgs(process.argv.slice(2), {
    'cross-grids': 'boolean',
    heal: 'boolean',
    shops: 'string',
    streets: 'string',
    size: 'string',
    out: 'string',
  } as const);
  for (const k of ['shops', 'streets', 'out'] as const) if (typeof args[k] !== 'string') fail(`missing --${k}`);
  const size = args.size === undefined ? 10 : Number(args.size);
  if (!Number.isInteger(size) || size < 2 || size > 100) fail(`--size must be an integer between 2 and 100, got ${String(args.size)}`);
  const shopsFile = args.shops as string,
    streetsFile = args.streets as string;
  const t0 = performance.now();
  let result;
  try {
    const shops = parsePoints(readJson(shopsFile), shopsFile, 'shop');
    if (shops.length === 0) fail(`${shopsFile}: no shops`);
    let streets = parseLines(readJson(streetsFile), streetsFile);
    checkPointsNearStreets(shops, linesBbox(streets), shopsFile);
    streets = streets.filter((f) => f.properties?.class !== 'rail' && f.properties?.kind !== 'rail' && f.properties?.kind !== 'ferry');
    if (args.heal) streets = healLines(streets);
    process.stderr.write(`group-shops: ${shops.length} shops, ${streets.length} streets\n`);
    const net = buildNetwork(streets);
    process.stderr.write(`group-shops: network ${net.nodeCount} nodes, ${net.edgeCount} edges, ${net.componentCount} component(s)\n`);
    const g = (min: number, max: number) => ({ size, min, max });
    const band = size === 10 ? g(8, 12) : g(Math.max(1, Math.floor(size * 0.8)), Math.ceil(size * 1.2));
    result = groupShopsOnNetwork(
      net,
      shops.map((s) => ({
        id: s.id,
        lon: s.lon,
        lat: s.lat,
        grid: s.properties.grid != null ? String(s.properties.grid) : s.properties.grid_code != null ? String(s.properties.grid_code) : null,
        leader: s.properties.leader === true,
      })),
      { ...band, crossPartitions: args['cross-grids'] === true },
    );
  } catch (e) {
    if (e instanceof InputError) fail(e.message);
    throw e;
  }
  const out = { groups: result.groups, warnings: result.warnings, stats: { ...result.stats, elapsed_ms: Math.round(performance.now() - t0) } };
  try {
    writeFileSync(args.out as string, JSON.stringify(out, null, 1) + '\n');
  } catch (e) {
    fail(`${String(args.out)}: cannot write (${(e as Error).message})`);
  }
  process.stderr.write(`group-shops: ${result.groups.length} groups, mean diameter ${result.stats.mean_diameter_m} m, ${result.warnings.length} warning(s)\n`);
}

try {
  main();
} catch (e) {
  fail(`internal: ${(e as Error).stack ?? String(e)}`, 1);
}
