/**
 * patrol: a near-optimal walking route along the streets through a set of stops.
 *   npm run --silent patrol -- --streets R.geojson --stops S.geojson [--closed] [--heal] [--gpx route.gpx] --out route.geojson
 * Output: one LineString Feature with properties.length_m and properties.order (stop ids).
 * Exit 0 on success, 2 on bad input (one `error:` line on stderr), 1 on internal failure.
 */
import { writeFileSync } from 'node:fs';
import { fail, parseArgs, readJson } from './lib/cli';
import { toGpx } from '../server/algorithms/patrol';
import { buildPatrolRoute, PatrolError } from '../server/algorithms/patrol';
import { healLines } from '../server/algorithms/routing';
import { buildNetwork } from '../server/algorithms/routing';
import { checkPointsNearStreets, InputError, linesBbox, parseLines, parsePoints } from '../server/algorithms/routing';

function main(): void {
  const args = parseArgs(process.argv.slice(2), {
    closed: 'boolean',
    heal: 'boolean',
    streets: 'string',
    stops: 'string',
    out: 'string',
    gpx: 'string',
  } as const);
  for (const k of ['streets', 'stops', 'out'] as const) if (typeof args[k] !== 'string') fail(`missing --${k}`);
  const stopsFile = args.stops as string,
    streetsFile = args.streets as string;
  let route;
  try {
    const stops = parsePoints(readJson(stopsFile), stopsFile, 'stop');
    if (stops.length === 0) fail(`${stopsFile}: no stops`);
    let streets = parseLines(readJson(streetsFile), streetsFile);
    checkPointsNearStreets(stops, linesBbox(streets), stopsFile);
    streets = streets.filter((f) => f.properties?.class !== 'rail' && f.properties?.kind !== 'rail' && f.properties?.kind !== 'ferry');
    if (args.heal) streets = healLines(streets);
    const net = buildNetwork(streets);
    process.stderr.write(`patrol: ${stops.length} stops, network ${net.nodeCount} nodes / ${net.edgeCount} edges\n`);
    route = buildPatrolRoute(
      net,
      stops.map((s) => ({ id: s.id, lon: s.lon, lat: s.lat })),
      { closed: args.closed === true },
    );
  } catch (e) {
    if (e instanceof InputError) fail(e.message);
    if (e instanceof PatrolError) fail(`${stopsFile}: ${e.message}`);
    throw e;
  }
  try {
    writeFileSync(args.out as string, JSON.stringify(route) + '\n');
    if (typeof args.gpx === 'string') writeFileSync(args.gpx, toGpx(route));
  } catch (e) {
    fail(`cannot write output (${(e as Error).message})`);
  }
  process.stderr.write(`patrol: ${route.properties.length_m} m through ${route.properties.order.length} stops\n`);
}

try {
  main();
} catch (e) {
  fail(`internal: ${(e as Error).stack ?? String(e)}`, 1);
}
