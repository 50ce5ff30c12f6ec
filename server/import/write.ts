import type { Geometry } from 'geojson';
import type { Queryable } from '../db';
import { buildingIndex, matchAddress, type BuildingCandidate } from './address';
import { linkRegisterToBuildings } from './register-link';
import type { RegisterRow } from './register';
import type { BoundaryRow, BuildingRow, IncidentRow, ShopRow, WaterRow } from './rows';
import type { StreetLine } from './streets';
import type { Layer, Problem } from '../../common/gis-files/feature-types';

/** Everything one import writes. All of it goes through writeImport inside ONE transaction. */
export interface WritePlan {
  /** File name: streets.source / incidents.source. */
  source: string;
  /** Id prefix of this import's rows (`${prefix}:…`); earlier rows with it are replaced. */
  prefix: string;
  /** Sub-district for rows that are in no known sub-district outline. */
  subdistrict?: string;
  streets?: StreetLine[];
  water?: WaterRow[];
  buildings?: BuildingRow[];
  shops?: ShopRow[];
  incidents?: IncidentRow[];
  boundaries?: BoundaryRow[];
  register?: RegisterRow[];
  /** household_register.import_id of this import's rows (unique per import). */
  registerImportId?: string;
}

export interface WriteCounts {
  /** Rows staged (input features for this table). */
  staged: number;
  /** Rows now in the table from this import. */
  imported: number;
  /** Geometries PostGIS found invalid and ST_MakeValid repaired. */
  repaired: number;
  rejected: Problem[];
  /** Rows of an earlier import of the same file that were replaced. */
  replaced: number;
  /** Rows placed in a sub-district by their location / by --subdistrict. */
  located?: number;
  attached?: number;
  /** register: rows placed by their address (matched building) */
  matched?: number;
  /** register: the sub-districts whose earlier register rows this import replaces */
  replacedSubdistricts?: string[];
  /** register rows of the sub-districts written that lie in no building and more than 20 m from every one (register-link.ts) */
  unattached?: number;
  /** register: rows of sub-districts with no building footprints yet */
  withoutBuildings?: number;
}

/** Thrown for a database-level refusal that the user can act on (named problem, no feature). */
export class WriteRefusal extends Error {}

const BATCH = 1000;

interface StageRow {
  ref: string;
  id: string;
  attrs: Record<string, unknown>;
  geometry: Geometry;
}

/** Stages rows in a temporary table and repairs their geometry with ST_MakeValid. */
async function stage(tx: Queryable, rows: StageRow[], dim: 1 | 2 | 3 | null): Promise<{ rejected: Problem[]; repaired: number }> {
  await tx.query('DROP TABLE IF EXISTS import_stage');
  await tx.query('CREATE TEMP TABLE import_stage (ord int, ref text, id text, attrs jsonb, g geometry, valid boolean, fixed geometry) ON COMMIT DROP');
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH).map((r, k) => ({ ord: i + k, ref: r.ref, id: r.id, attrs: r.attrs, geom: r.geometry }));
    await tx.query(
      `INSERT INTO import_stage (ord, ref, id, attrs, g)
       SELECT (e->>'ord')::int, e->>'ref', e->>'id', (e->'attrs')::jsonb, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geom'), 4326))
       FROM json_array_elements($1::json) e`,
      [JSON.stringify(batch)],
    );
  }
  await tx.query('UPDATE import_stage SET valid = ST_IsValid(g)');
  const extract = dim === null ? 'ST_MakeValid(g)' : `ST_CollectionExtract(ST_MakeValid(g), ${dim})`;
  await tx.query(`UPDATE import_stage SET fixed = CASE WHEN valid THEN g ELSE ${extract} END`);
  const bad = await tx.query<{ ref: string; reason: string }>(
    'SELECT ref, ST_IsValidReason(g) AS reason FROM import_stage WHERE fixed IS NULL OR ST_IsEmpty(fixed) ORDER BY ord',
  );
  await tx.query('DELETE FROM import_stage WHERE fixed IS NULL OR ST_IsEmpty(fixed)');
  const rep = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM import_stage WHERE NOT valid');
  return {
    rejected: bad.rows.map((r) => ({ feature: r.ref, problem: `invalid geometry that cannot be repaired (${r.reason})` })),
    repaired: rep.rows[0].n,
  };
}

/** Deletes the rows of an earlier import with this prefix. */
async function replace(tx: Queryable, table: string, prefix: string): Promise<number> {
  try {
    const r = await tx.query<{ n: number }>(`WITH d AS (DELETE FROM ${table} WHERE left(id, length($1)) = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [
      `${prefix}:`,
    ]);
    return r.rows[0].n;
  } catch (err) {
    throw new WriteRefusal(`cannot replace the ${table} of an earlier import of this file: other rows refer to them (${(err as Error).message})`);
  }
}

async function count(tx: Queryable, table: string, prefix: string): Promise<number> {
  const r = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE left(id, length($1)) = $1`, [`${prefix}:`]);
  return r.rows[0].n;
}

/**
 * Sets subdistrict_id (and community_id where the table has it) from the outlines, then from
 * --subdistrict. Each row's point on surface is looked up once, by an index probe per row (the
 * outlines' GiST index; the first outline by id when outlines overlap), into a scratch table that
 * the UPDATE then joins by id. (Joining rows, points and outlines in the UPDATE itself let the
 * planner, misled by the spatial join's estimate of a few rows, scan the just-inserted rows once per
 * point: 24 of the 27 s of a 16.7k-building import.)
 */
async function locate(tx: Queryable, table: string, prefix: string, subdistrict: string | undefined, community: boolean) {
  const p = `${prefix}:`;
  const probe = (outlines: string) => `(SELECT o.id FROM ${outlines} o WHERE o.geom && l.p AND ST_Intersects(o.geom, l.p) ORDER BY o.id LIMIT 1)`;
  await tx.query('DROP TABLE IF EXISTS locate_point');
  await tx.query(
    `CREATE TEMP TABLE locate_point ON COMMIT DROP AS
     SELECT l.id, ${probe('subdistricts')} AS sub, ${community ? probe('communities') : 'NULL::text'} AS com
     FROM (SELECT id, ST_PointOnSurface(geom) AS p FROM ${table} WHERE left(id, length($1)) = $1) l`,
    [p],
  );
  await tx.query('ANALYZE locate_point');
  const a = await tx.query<{ n: number }>(
    `WITH u AS (UPDATE ${table} t SET subdistrict_id = COALESCE(l.sub, t.subdistrict_id)${community ? ', community_id = COALESCE(l.com, t.community_id)' : ''}
       FROM locate_point l WHERE t.id = l.id AND (l.sub IS NOT NULL OR l.com IS NOT NULL) RETURNING l.sub)
     SELECT count(sub)::int AS n FROM u`,
  );
  await tx.query('DROP TABLE locate_point');
  let attached = 0;
  if (subdistrict) {
    const b = await tx.query<{ n: number }>(
      `WITH u AS (UPDATE ${table} SET subdistrict_id = $2 WHERE left(id, length($1)) = $1 AND subdistrict_id IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [p, subdistrict],
    );
    attached = b.rows[0].n;
  }
  return { located: a.rows[0].n, attached };
}

async function writeStreets(tx: Queryable, plan: WritePlan, lines: StreetLine[]): Promise<WriteCounts> {
  const s = await stage(
    tx,
    lines.map((l) => ({ ref: l.ref, id: l.id, attrs: { name: l.name, class: l.class, oneway: l.oneway, divides: l.divides }, geometry: l.geometry })),
    2,
  );
  const replaced = await replace(tx, 'streets', plan.prefix);
  await tx.query(
    `INSERT INTO streets (id, name, class, oneway, divides, source, synthetic, geom)
     SELECT CASE WHEN count(*) OVER (PARTITION BY s.id) = 1 THEN s.id
                 ELSE s.id || '~' || row_number() OVER (PARTITION BY s.id ORDER BY d.path) END,
            s.attrs->>'name', s.attrs->>'class', (s.attrs->>'oneway')::boolean, COALESCE((s.attrs->>'divides')::boolean, true), $1, false, d.geom
     FROM import_stage s, LATERAL ST_Dump(s.fixed) d
     WHERE ST_GeometryType(d.geom) = 'ST_LineString'`,
    [plan.source],
  );
  return { staged: lines.length, imported: await count(tx, 'streets', plan.prefix), repaired: s.repaired, rejected: s.rejected, replaced };
}

/** Water areas: replaced by prefix like the other layers; blocks stop at their shore at the next units build. */
async function writeWater(tx: Queryable, plan: WritePlan, rows: WaterRow[]): Promise<WriteCounts> {
  const s = await stage(
    tx,
    rows.map((r) => ({ ref: r.ref, id: r.id, attrs: { name: r.name, kind: r.kind }, geometry: r.geometry })),
    3,
  );
  const replaced = await replace(tx, 'water', plan.prefix);
  await tx.query(
    `INSERT INTO water (id, name, kind, synthetic, geom)
     SELECT s.id, s.attrs->>'name', s.attrs->>'kind', false, ST_Multi(s.fixed)
     FROM import_stage s WHERE s.fixed IS NOT NULL AND ST_GeometryType(s.fixed) IN ('ST_Polygon', 'ST_MultiPolygon')`,
  );
  return { staged: rows.length, imported: await count(tx, 'water', plan.prefix), repaired: s.repaired, rejected: s.rejected, replaced };
}

async function writeBuildings(tx: Queryable, plan: WritePlan, rows: BuildingRow[]): Promise<WriteCounts & { merged: number }> {
  const s = await stage(
    tx,
    rows.map((r) => ({
      ref: r.ref,
      id: r.id,
      attrs: { use: r.use, floors: r.floors, height_m: r.height_m, households: r.households, label: r.label, compound_name: r.compound_name },
      geometry: r.geometry,
    })),
    3,
  );
  const subsOf = async () =>
    (
      await tx.query<{ id: string }>('SELECT DISTINCT subdistrict_id AS id FROM buildings WHERE left(id, length($1)) = $1 AND subdistrict_id IS NOT NULL', [
        `${plan.prefix}:`,
      ])
    ).rows.map((r) => r.id);
  const earlierSubs = await subsOf();
  const replaced = await replace(tx, 'buildings', plan.prefix);
  // Pieces with the same id (a building cut at tile edges) are unioned back into one footprint;
  // slivers under 0.5 m2 left by the cut are dropped when a real piece remains.
  // (A footprint that is one polygon, nearly all of them, skips the union and the areas: a third of the import's time.)
  await tx.query(
    `WITH m AS (
       SELECT id, (array_agg(attrs ORDER BY ord))[1] AS attrs,
              CASE WHEN count(*) = 1 THEN (array_agg(fixed))[1] ELSE ST_UnaryUnion(ST_Collect(fixed)) END AS g
       FROM import_stage GROUP BY id),
     d AS (
       SELECT m.id, m.attrs, (ST_Dump(m.g)).geom AS geom FROM m),
     p AS (
       SELECT d.*, count(*) OVER (PARTITION BY d.id) AS pieces FROM d WHERE ST_GeometryType(d.geom) = 'ST_Polygon'),
     a AS (
       SELECT p.*, CASE WHEN pieces = 1 THEN 0 ELSE ST_Area(p.geom::geography) END AS area FROM p),
     k AS (
       SELECT a.*, max(area) OVER (PARTITION BY id) AS top FROM a),
     n AS (
       SELECT k.*, row_number() OVER (PARTITION BY id ORDER BY area DESC) AS rn, count(*) OVER (PARTITION BY id) AS cnt
       FROM k WHERE pieces = 1 OR area >= 0.5 OR area = top)
     INSERT INTO buildings (id, use, floors, height_m, households, label, compound_name, source, synthetic, geom)
     SELECT CASE WHEN cnt = 1 THEN id ELSE id || '~' || rn END, attrs->>'use', (attrs->>'floors')::int,
            (attrs->>'height_m')::real, COALESCE((attrs->>'households')::int, 0), attrs->>'label', attrs->>'compound_name', $1, false, geom
     FROM n`,
    [plan.source],
  );
  const groups = await tx.query<{ n: number }>('SELECT count(DISTINCT id)::int AS n FROM import_stage');
  const staged = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM import_stage');
  const loc = await locate(tx, 'buildings', plan.prefix, plan.subdistrict, true);
  // the register's households onto the new footprints (and off the replaced ones), where a register covers them
  const link = await linkRegisterToBuildings(tx, [...new Set([...earlierSubs, ...(await subsOf())])].sort());
  return {
    staged: rows.length,
    imported: await count(tx, 'buildings', plan.prefix),
    repaired: s.repaired,
    rejected: s.rejected,
    replaced,
    merged: staged.rows[0].n - groups.rows[0].n,
    ...loc,
    unattached: link.unattached,
  };
}

async function writeShops(tx: Queryable, plan: WritePlan, rows: ShopRow[]): Promise<WriteCounts> {
  const s = await stage(
    tx,
    rows.map((r) => ({ ref: r.ref, id: r.id, attrs: { name: r.name, category: r.category, phone: r.phone }, geometry: r.geometry })),
    null,
  );
  const replaced = await replace(tx, 'shops', plan.prefix);
  await tx.query(
    `INSERT INTO shops (id, name, category, phone, synthetic, geom)
     SELECT id, attrs->>'name', attrs->>'category', attrs->>'phone', false, ST_PointOnSurface(fixed) FROM import_stage`,
  );
  const loc = await locate(tx, 'shops', plan.prefix, plan.subdistrict, true);
  return { staged: rows.length, imported: await count(tx, 'shops', plan.prefix), repaired: s.repaired, rejected: s.rejected, replaced, ...loc };
}

async function writeIncidents(tx: Queryable, plan: WritePlan, rows: IncidentRow[]): Promise<WriteCounts> {
  const s = await stage(
    tx,
    rows.map((r) => ({ ref: r.ref, id: r.id, attrs: { type: r.type, occurred_at: r.occurred_at }, geometry: r.geometry })),
    null,
  );
  const replaced = await replace(tx, 'incidents', plan.prefix);
  await tx.query(
    `INSERT INTO incidents (id, type, occurred_at, source, synthetic, geom)
     SELECT id, attrs->>'type', (attrs->>'occurred_at')::timestamptz, $1, false, ST_PointOnSurface(fixed) FROM import_stage`,
    [plan.source],
  );
  const loc = await locate(tx, 'incidents', plan.prefix, plan.subdistrict, false);
  return { staged: rows.length, imported: await count(tx, 'incidents', plan.prefix), repaired: s.repaired, rejected: s.rejected, replaced, ...loc };
}

async function writeBoundaries(tx: Queryable, rows: BoundaryRow[]): Promise<WriteCounts> {
  const s = await stage(
    tx,
    rows.map((r) => ({
      ref: r.ref,
      id: r.id,
      attrs: { level: r.level, code: r.code, name: r.name, kind: r.kind, subdistrict_id: r.subdistrict_id, households: r.households, district: r.district },
      geometry: r.geometry,
    })),
    3,
  );
  const rejected = [...s.rejected];
  const orphans = await tx.query<{ ref: string; sd: string }>(
    `SELECT ref, attrs->>'subdistrict_id' AS sd FROM import_stage st
     WHERE attrs->>'level' = 'community'
       AND NOT EXISTS (SELECT 1 FROM subdistricts d WHERE d.id = st.attrs->>'subdistrict_id')
       AND NOT EXISTS (SELECT 1 FROM import_stage o WHERE o.id = st.attrs->>'subdistrict_id')
     ORDER BY ord`,
  );
  for (const o of orphans.rows) rejected.push({ feature: o.ref, problem: `its sub-district ${o.sd} is neither in the database nor in the file` });
  await tx.query(
    `DELETE FROM import_stage st WHERE attrs->>'level' = 'community'
       AND NOT EXISTS (SELECT 1 FROM subdistricts d WHERE d.id = st.attrs->>'subdistrict_id')
       AND NOT EXISTS (SELECT 1 FROM import_stage o WHERE o.id = st.attrs->>'subdistrict_id')`,
  );
  const existing = await tx.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM subdistricts WHERE id IN (SELECT id FROM import_stage))
          + (SELECT count(*) FROM communities WHERE id IN (SELECT id FROM import_stage)) AS n`,
  );
  try {
    await tx.query(
      `INSERT INTO subdistricts (id, code, name, kind, households, synthetic, district_name, geom)
       SELECT id, attrs->>'code', attrs->>'name', attrs->>'kind', (attrs->>'households')::int, false, attrs->>'district', ST_Multi(fixed)
       FROM import_stage WHERE attrs->>'level' = 'subdistrict'
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, kind = EXCLUDED.kind,
         households = EXCLUDED.households, synthetic = false, geom = EXCLUDED.geom,
         district_name = COALESCE(EXCLUDED.district_name, subdistricts.district_name)`,
    );
    await tx.query(
      `INSERT INTO communities (id, subdistrict_id, code, name, households, synthetic, geom)
       SELECT id, attrs->>'subdistrict_id', attrs->>'code', attrs->>'name', (attrs->>'households')::int, false, ST_Multi(fixed)
       FROM import_stage WHERE attrs->>'level' = 'community'
       ON CONFLICT (id) DO UPDATE SET subdistrict_id = EXCLUDED.subdistrict_id, code = EXCLUDED.code, name = EXCLUDED.name,
         households = EXCLUDED.households, synthetic = false, geom = EXCLUDED.geom`,
    );
  } catch (err) {
    throw new WriteRefusal(`the boundaries conflict with those in the database (${(err as Error).message})`);
  }
  const n = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM import_stage');
  return { staged: rows.length, imported: n.rows[0].n, repaired: s.repaired, rejected, replaced: existing.rows[0].n };
}

/** Imported buildings that carry a building number, with their compound name and a point on them. */
async function buildingCandidates(tx: Queryable): Promise<BuildingCandidate[]> {
  const r = await tx.query<BuildingCandidate>(
    `SELECT b.id, b.label, COALESCE(b.compound_name, c.name, loc.name) AS compound, ST_X(b.p) AS x, ST_Y(b.p) AS y
     FROM (SELECT id, label, compound_name, compound_id, ST_PointOnSurface(geom) AS p, ST_Area(geom) AS area
           FROM buildings WHERE label IS NOT NULL AND btrim(label) <> '') b
     LEFT JOIN compounds c ON c.id = b.compound_id
     LEFT JOIN LATERAL (SELECT name FROM compounds k WHERE ST_Intersects(k.geom, b.p) ORDER BY ST_Area(k.geom) LIMIT 1) loc ON true
     ORDER BY b.id, b.area DESC`,
  );
  // the pieces of one building (id~2, id~3 …) are one building: keep its largest piece
  const seen = new Set<string>();
  return r.rows
    .map((b) => ({ ...b, x: Number(b.x), y: Number(b.y) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((b) => {
      const base = b.id.replace(/~\d+$/, '');
      if (seen.has(base)) return false;
      seen.add(base);
      return true;
    });
}

/**
 * The household register: rows with coordinates as they are, the others matched to an imported
 * building (its point on surface and id); each placed in the sub-district its point lies in. The
 * register rows of those sub-districts written by earlier imports are replaced, and their buildings
 * then carry the register's households (register-link.ts). A row that cannot be placed is rejected
 * with the reason, never dropped.
 */
async function writeRegister(tx: Queryable, plan: WritePlan, rows: RegisterRow[]): Promise<WriteCounts> {
  const rejected: Problem[] = [];
  const placed: Array<RegisterRow & { x: number; y: number; building_id: string | null; located_by: 'coordinates' | 'address'; ord: number }> = [];
  const needMatch = rows.some((r) => r.lon === null);
  const index = needMatch ? buildingIndex(await buildingCandidates(tx)) : null;
  rows.forEach((r, ord) => {
    if (r.lon !== null && r.lat !== null) {
      placed.push({ ...r, x: r.lon, y: r.lat, building_id: null, located_by: 'coordinates', ord });
      return;
    }
    const m = matchAddress(index!, { compound: r.compound_name, building: r.building_ref, address: r.address });
    if ('problem' in m) rejected.push({ feature: r.ref, problem: m.problem });
    else placed.push({ ...r, x: m.building.x, y: m.building.y, building_id: m.building.id, located_by: 'address', ord });
  });
  await tx.query('DROP TABLE IF EXISTS register_stage');
  await tx.query(
    `CREATE TEMP TABLE register_stage (ord int, ref text, building_ref text, compound_name text, address text, households int,
       party_households int, building_id text, located_by text, subdistrict_id text, geom geometry(Point, 4326)) ON COMMIT DROP`,
  );
  for (let i = 0; i < placed.length; i += BATCH) {
    await tx.query(
      `INSERT INTO register_stage (ord, ref, building_ref, compound_name, address, households, party_households, building_id, located_by, geom)
       SELECT (e->>'ord')::int, e->>'ref', e->>'building_ref', e->>'compound_name', e->>'address', (e->>'households')::int,
              (e->>'party_households')::int, e->>'building_id', e->>'located_by',
              ST_SetSRID(ST_MakePoint((e->>'x')::float8, (e->>'y')::float8), 4326)
       FROM json_array_elements($1::json) e`,
      [JSON.stringify(placed.slice(i, i + BATCH))],
    );
  }
  await tx.query(`UPDATE register_stage r SET subdistrict_id = (SELECT s.id FROM subdistricts s WHERE ST_Intersects(s.geom, r.geom) ORDER BY s.id LIMIT 1)`);
  const outside = await tx.query<{ ref: string; x: number; y: number }>(
    'SELECT ref, ST_X(geom) AS x, ST_Y(geom) AS y FROM register_stage WHERE subdistrict_id IS NULL ORDER BY ord',
  );
  for (const o of outside.rows) {
    rejected.push({ feature: o.ref, problem: `不在任何街道内（${Number(o.x).toFixed(6)}, ${Number(o.y).toFixed(6)}） (outside every sub-district)` });
  }
  const subs = await tx.query<{ id: string }>('SELECT DISTINCT subdistrict_id AS id FROM register_stage WHERE subdistrict_id IS NOT NULL ORDER BY 1');
  const replacedSubdistricts = subs.rows.map((r) => r.id);
  const del = await tx.query<{ n: number }>(
    'WITH d AS (DELETE FROM household_register WHERE subdistrict_id = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM d',
    [replacedSubdistricts],
  );
  const ins = await tx.query<{ n: number; matched: number }>(
    `WITH i AS (
       INSERT INTO household_register (import_id, row_ref, building_ref, compound_name, address, households, party_households,
                                       building_id, subdistrict_id, located_by, geom)
       SELECT $1, ref, building_ref, compound_name, address, households, party_households, building_id, subdistrict_id, located_by, geom
       FROM register_stage WHERE subdistrict_id IS NOT NULL ORDER BY ord
       RETURNING located_by)
     SELECT count(*)::int AS n, count(*) FILTER (WHERE located_by = 'address')::int AS matched FROM i`,
    [plan.registerImportId ?? plan.prefix],
  );
  const link = await linkRegisterToBuildings(tx, replacedSubdistricts);
  rejected.sort((a, b) => refOrder(a.feature) - refOrder(b.feature));
  return {
    staged: rows.length,
    imported: ins.rows[0].n,
    repaired: 0,
    rejected,
    replaced: del.rows[0].n,
    located: ins.rows[0].n,
    matched: ins.rows[0].matched,
    replacedSubdistricts: del.rows[0].n > 0 ? replacedSubdistricts : [],
    unattached: link.unattached,
    withoutBuildings: link.withoutBuildings,
  };
}

/** "line 17" / "row 17" → 17, for listing rejects in file order. */
function refOrder(ref: string): number {
  const n = Number(/\d+$/.exec(ref)?.[0]);
  return Number.isFinite(n) ? n : Infinity;
}

/**
 * The one database writer of the importer. Call inside db.transaction: it creates a temporary
 * staging table (dropped at commit) and writes every layer of the plan; any throw rolls all back.
 */
export async function writeImport(tx: Queryable, plan: WritePlan): Promise<Partial<Record<Layer, WriteCounts>>> {
  const out: Partial<Record<Layer, WriteCounts>> = {};
  if (plan.subdistrict) {
    const r = await tx.query('SELECT 1 FROM subdistricts WHERE id = $1', [plan.subdistrict]);
    const inFile = plan.boundaries?.some((b) => b.id === plan.subdistrict);
    if (r.rows.length === 0 && !inFile) throw new WriteRefusal(`unknown sub-district ${plan.subdistrict} (--subdistrict)`);
  }
  if (plan.boundaries?.length) out.boundaries = await writeBoundaries(tx, plan.boundaries);
  if (plan.streets?.length) out.streets = await writeStreets(tx, plan, plan.streets);
  if (plan.water?.length) out.water = await writeWater(tx, plan, plan.water);
  if (plan.buildings?.length) out.buildings = await writeBuildings(tx, plan, plan.buildings);
  if (plan.shops?.length) out.shops = await writeShops(tx, plan, plan.shops);
  if (plan.incidents?.length) out.incidents = await writeIncidents(tx, plan, plan.incidents);
  if (plan.register?.length) out.register = await writeRegister(tx, plan, plan.register);
  return out;
}
