/**
 * group-shops: ten-household joint-defense groups by walking distance.
 *   npm run --silent group-shops -- --shops S.geojson --streets R.geojson [--size 10] [--cross-grids] [--heal] --out G.json
 * Exit 0 on success, 2 on bad input (one `error:` line on stderr), 1 on internal failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { groupShopsOnNetwork } from '../server/algorithms/grouping/on-network';
import { buildNetwork } from '../server/algorithms/routing/network';
import { healLines } from '../server/algorithms/routing/heal';
import { checkPointsNearStreets, InputError, linesBbox, parseLines, parsePoints } from '../server/algorithms/routing/validate';

function fail(msg: string, code = 2): never {
  process.stderr.write(`error: ${msg.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

function parseArgs(argv: string[], flags: string[], valued: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.replace(/^--/, '');
    if (!a.startsWith('--')) fail(`unexpected argument ${a}`);
    if (flags.includes(name)) out[name] = true;
    else if (valued.includes(name)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`option --${name} needs a value`);
      out[name] = v;
    } else fail(`unknown option --${name}`);
  }
  return out;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), ['cross-grids', 'heal'], ['shops', 'streets', 'size', 'out']);
  for (const k of ['shops', 'streets', 'out']) if (typeof args[k] !== 'string') fail(`missing --${k}`);
  const size = args.size === undefined ? 10 : Number(args.size);
  if (!Number.isInteger(size) || size < 2 || size > 100) fail(`--size must be an integer between 2 and 100, got ${String(args.size)}`);
  const shopsFile = args.shops as string, streetsFile = args.streets as string;
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
        id: s.id, lon: s.lon, lat: s.lat,
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
