/**
 * Hot spot analysis CLI (contract shared with the other tools):
 *   npm run --silent hotspots -- --points I.geojson --zones Z.geojson [--no-fdr] --out H.json
 * Points: FeatureCollection of Point (or MultiPoint) features, WGS84. Zones: FeatureCollection of
 * Polygon / MultiPolygon features with a unique properties.id (string or number).
 * Output: { "zones": [ { "id", "count", "z", "p", "q", "class" } ] } in input zone order; class is
 * hot99 | hot95 | hot90 | ns | cold90 | cold95 | cold99, decided by BH q (or raw p with --no-fdr).
 * A point on a boundary shared by several zones counts once, in the first zone of the file.
 * Exit 0 on success; bad input exits 2 with one stderr line "error: <file>: <feature>: <problem>".
 * Progress goes to stderr only (stdout is empty unless --out is omitted, then the JSON goes there).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { analyzeHotSpots, type Zone } from '../server/algorithms/hotspots';

class InputError extends Error {}
const fail = (msg: string): never => {
  throw new InputError(msg);
};

function parseArgs(argv: string[]): { points: string; zones: string; out: string | null; fdr: boolean } {
  let points: string | null = null,
    zones: string | null = null,
    out: string | null = null,
    fdr = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
      return v!;
    };
    if (a === '--points') points = value();
    else if (a === '--zones') zones = value();
    else if (a === '--out') out = value();
    else if (a === '--no-fdr') fdr = false;
    else fail(`unknown argument ${a} (usage: --points I.geojson --zones Z.geojson [--no-fdr] --out H.json)`);
  }
  if (!points) fail('missing --points I.geojson');
  if (!zones) fail('missing --zones Z.geojson');
  return { points: points!, zones: zones!, out, fdr };
}

function readFeatures(file: string): Array<{ geometry: unknown; properties: Record<string, unknown> | null }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`${file}: invalid JSON (${(e as Error).message})`);
  }
  const fc = json as { type?: unknown; features?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) fail(`${file}: not a GeoJSON FeatureCollection`);
  return (fc.features as unknown[]).map((f, i) => {
    const feat = f as { type?: unknown; geometry?: unknown; properties?: unknown };
    if (!feat || feat.type !== 'Feature') fail(`${file}: feature ${i}: not a GeoJSON Feature`);
    return { geometry: feat.geometry, properties: (feat.properties ?? null) as Record<string, unknown> | null };
  });
}

function checkPosition(p: unknown, where: string): [number, number] {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    fail(`${where}: coordinates must be [lon, lat] numbers`);
  }
  const [x, y] = p as [number, number];
  if (x < -180 || x > 180 || y < -90 || y > 90) fail(`${where}: position [${x}, ${y}] is outside WGS84 lon/lat range`);
  return [x, y];
}

function readPoints(file: string): number[][] {
  const pts: number[][] = [];
  readFeatures(file).forEach((f, i) => {
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
    const where = `${file}: feature ${i}${f.properties?.id !== undefined ? ` (id ${String(f.properties.id)})` : ''}`;
    if (!g) fail(`${where}: geometry is null`);
    if (g!.type === 'Point') pts.push(checkPosition(g!.coordinates, where));
    else if (g!.type === 'MultiPoint' && Array.isArray(g!.coordinates)) for (const p of g!.coordinates) pts.push(checkPosition(p, where));
    else fail(`${where}: geometry must be Point or MultiPoint, got ${String(g!.type)}`);
  });
  return pts;
}

function checkRings(rings: unknown, where: string): void {
  if (!Array.isArray(rings) || rings.length === 0) fail(`${where}: polygon without rings`);
  (rings as unknown[]).forEach((ring, r) => {
    if (!Array.isArray(ring) || ring.length < 4) fail(`${where}: ring ${r} has fewer than 4 positions`);
    const pos = (ring as unknown[]).map((p) => checkPosition(p, where));
    const a = pos[0]!,
      b = pos[pos.length - 1]!;
    if (a[0] !== b[0] || a[1] !== b[1]) fail(`${where}: ring ${r} is not closed`);
  });
}

function readZones(file: string): Zone[] {
  const seen = new Set<string>();
  return readFeatures(file).map((f, i) => {
    const id = f.properties?.id;
    const where = `${file}: feature ${i}${id !== undefined ? ` (id ${String(id)})` : ''}`;
    if (typeof id !== 'string' && typeof id !== 'number') return fail(`${where}: properties.id (string or number) is missing`);
    if (seen.has(String(id))) fail(`${where}: duplicate properties.id ${String(id)}`);
    seen.add(String(id));
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
    if (!g) return fail(`${where}: geometry is null`);
    if (g.type === 'Polygon') checkRings(g.coordinates, where);
    else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates) && g.coordinates.length > 0) for (const poly of g.coordinates) checkRings(poly, where);
    else fail(`${where}: geometry must be Polygon or MultiPolygon, got ${String(g.type)}`);
    return { id, geometry: g as Zone['geometry'] };
  });
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const zones = readZones(args.zones);
  const points = readPoints(args.points);
  process.stderr.write(`hotspots: ${zones.length} zones, ${points.length} points read in ${Math.round(performance.now() - t0)} ms\n`);
  const t1 = performance.now();
  const res = analyzeHotSpots(zones, points, { fdr: args.fdr });
  const hot = res.zones.filter((z) => z.class.startsWith('hot')).length;
  const cold = res.zones.filter((z) => z.class.startsWith('cold')).length;
  process.stderr.write(
    `hotspots: ${res.outside} points outside all zones; ${hot} hot, ${cold} cold zones (${args.fdr ? 'BH q' : 'raw p'}); ${Math.round(performance.now() - t1)} ms\n`,
  );
  const out = JSON.stringify({ zones: res.zones.map((z) => ({ id: z.id, count: z.count, z: z.z, p: z.p, q: z.q, class: z.class })) });
  if (args.out) writeFileSync(args.out, out + '\n');
  else process.stdout.write(out + '\n');
}

try {
  main();
} catch (e) {
  if (e instanceof InputError) {
    process.stderr.write(`error: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  }
  throw e;
}
