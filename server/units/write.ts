/**
 * Writes a units build in ONE transaction (the caller's): a unit_builds row per sub-district with
 * its quality report, the new blocks, compounds named by the register (or the buildings), and the
 * units. Nothing a plan references is lost:
 * - a new unit with exactly the geometry of a current one keeps that unit's id and row (households,
 *   compound and block recounted in place), so plans and warm starts keep pointing at it;
 * - a current unit that no longer exists is retired (retired_at) when a plan references it — it
 *   keeps its id, households and geometry, so old plans still read their grids — and deleted
 *   otherwise; blocks likewise. The personal households table and buildings follow to the new rows.
 */
import type { Queryable } from '../db';
import type { LoadedUnitsInput } from './load';
import { qualityReports, type QualityReport } from './quality';
import type { UnitsJobOutput } from './stage-output';

/**
 * Valid geometry only: rounding can leave a ring touching itself, and GEOS then fails on the
 * union that dissolves grids (on PGlite silently: the query returns no rows). A polygon column
 * takes the largest part of what ST_MakeValid returns.
 */
const VALID_MULTI = (g: string) => `ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))`;
const VALID_POLYGON = (g: string) => `(SELECT p.geom FROM ST_Dump(ST_CollectionExtract(ST_MakeValid(${g}), 3)) p ORDER BY ST_Area(p.geom) DESC LIMIT 1)`;

export interface UnitsWriteOutcome {
  builds: Record<string, number>;
  blocks: number;
  /** blocks with no area once made valid (collapsed to a line): not written, their units left without a block */
  blocksSkipped: number;
  units: number;
  /** units whose geometry did not change: kept their id, households recounted */
  unitsKept: number;
  /** old units a plan references: retired, kept for those plans */
  unitsRetired: number;
  /** old units no plan references: deleted */
  unitsDeleted: number;
  compoundsCreated: number;
  households: number;
  reports: Record<string, QualityReport>;
}

export async function writeUnits(
  tx: Queryable,
  subs: string[],
  loaded: LoadedUnitsInput,
  out: UnitsJobOutput,
  opts: { author: string; jobId: string | null; checkCancelled: () => void },
): Promise<UnitsWriteOutcome> {
  // one build of a sub-district at a time (a second waits here, then works on the first's result)
  await tx.query('SELECT id FROM subdistricts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [subs]);
  const builds: Record<string, number> = {};
  for (const s of subs) {
    const r = await tx.query<{ id: string }>('INSERT INTO unit_builds (subdistrict_id, job_id, author, source) VALUES ($1, $2, $3, $4) RETURNING id', [
      s,
      opts.jobId,
      opts.author,
      loaded.source[s],
    ]);
    builds[s] = Number(r.rows[0].id);
  }
  const buildIds = Object.values(builds);
  const counter = new Map<string, number>();
  const nextId = (sub: string, kind: string) => {
    const k = `${sub}:${kind}`;
    const n = (counter.get(k) ?? 0) + 1;
    counter.set(k, n);
    return `${sub}-${builds[sub]}-${kind}${n}`;
  };
  const blockIds = out.blocks.map((b) => nextId(b.subdistrict, 'b'));
  const reports = qualityReports(subs, loaded.input.areas, loaded.input.rows, loaded.rows, out, blockIds);
  opts.checkCancelled();

  // --- compounds: the register's names (or the buildings'), matched to existing ones by name ---
  const rows = loaded.input.rows;
  const compoundRows = new Map<string, { sub: string; name: string; households: number; points: number[][] }>();
  rows.forEach((r, i) => {
    const k = out.rowUnit[i];
    if (k < 0 || !r.compound) return;
    const sub = out.units[k].subdistrict!;
    const key = `${sub}\u0000${r.compound}`;
    let c = compoundRows.get(key);
    if (!c) compoundRows.set(key, (c = { sub, name: r.compound, households: 0, points: [] }));
    c.households += r.households;
    c.points.push([r.lon, r.lat]);
  });
  const existing = await tx.query<{ id: string; s: string; name: string }>(
    'SELECT id, subdistrict_id AS s, name FROM compounds WHERE subdistrict_id = ANY($1::text[]) ORDER BY id',
    [subs],
  );
  const compoundId = new Map<string, string>();
  for (const c of existing.rows) if (!compoundId.has(`${c.s}\u0000${c.name}`)) compoundId.set(`${c.s}\u0000${c.name}`, c.id);
  const created: Array<{ id: string; s: string; name: string; hh: number; pts: string }> = [];
  for (const [key, c] of compoundRows) {
    if (compoundId.has(key)) continue;
    const id = nextId(c.sub, 'k');
    compoundId.set(key, id);
    created.push({ id, s: c.sub, name: c.name, hh: c.households, pts: JSON.stringify({ type: 'MultiPoint', coordinates: c.points }) });
  }
  if (created.length) {
    // the compound's outline: its households' points, hulled and widened by 15 m
    await tx.query(
      `INSERT INTO compounds (id, name, kind, subdistrict_id, households, geom)
       SELECT x.id, x.name, 'compound', x.s, x.hh,
              ST_Transform(ST_Buffer(ST_Transform(ST_ConvexHull(ST_SetSRID(ST_GeomFromGeoJSON(x.pts), 4326)), 4548), 15), 4326)
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, s text, hh int, pts text)`,
      [JSON.stringify(created)],
    );
  }
  const updated = [...compoundRows]
    .filter(([key]) => !created.some((c) => `${c.s}\u0000${c.name}` === key))
    .map(([key, c]) => ({ id: compoundId.get(key)!, hh: c.households }));
  if (updated.length) {
    await tx.query('UPDATE compounds k SET households = x.hh FROM jsonb_to_recordset($1::jsonb) AS x(id text, hh int) WHERE k.id = x.id', [
      JSON.stringify(updated),
    ]);
  }

  // --- blocks ---
  const oldBlocks = (await tx.query<{ id: string }>('SELECT id FROM blocks WHERE subdistrict_id = ANY($1::text[]) AND retired_at IS NULL', [subs])).rows.map(
    (r) => r.id,
  );
  // a block with no area left once valid (a sliver the coordinate rounding collapsed to a line) is
  // skipped, not written: its units keep no block rather than the whole build failing on it
  const written = await tx.query<{ id: string }>(
    `INSERT INTO blocks (id, subdistrict_id, community_id, build_id, geom)
     SELECT id, s, c, b, g FROM (
       SELECT x.id, x.s, x.c, x.b, ${VALID_POLYGON('ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326)')} AS g
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, s text, c text, b bigint, g text)) v
     WHERE g IS NOT NULL AND ST_Area(g) > 0
     RETURNING id`,
    [
      JSON.stringify(
        out.blocks.map((b, i) => ({
          id: blockIds[i],
          s: b.subdistrict,
          c: b.community,
          b: builds[b.subdistrict],
          g: JSON.stringify({ type: 'Polygon', coordinates: b.polygon }),
        })),
      ),
    ],
  );
  const writtenBlocks = new Set(written.rows.map((r) => r.id));
  const blockOf = (k: number): string | null => {
    const id = blockIds[out.unitBlock[k]];
    return id !== undefined && writtenBlocks.has(id) ? id : null;
  };
  opts.checkCancelled();

  // --- units: new rows into a scratch table, matched to current ones by identical geometry ---
  const party = new Array<number>(out.units.length).fill(0);
  out.rowUnit.forEach((k, i) => {
    if (k >= 0) party[k] += loaded.rows[i].party;
  });
  const fresh = out.units.map((u, k) => ({
    id: nextId(u.subdistrict!, 'u'),
    s: u.subdistrict,
    c: u.community ?? null,
    k: u.compound ? (compoundId.get(`${u.subdistrict}\u0000${u.compound}`) ?? null) : null,
    blk: blockOf(k),
    hh: u.households,
    ph: party[k],
    b: builds[u.subdistrict!],
    g: JSON.stringify({ type: 'MultiPolygon', coordinates: u.polygons }),
  }));
  await tx.query('DROP TABLE IF EXISTS units_new');
  await tx.query(
    'CREATE TEMP TABLE units_new (id text PRIMARY KEY, s text, c text, k text, blk text, hh int, ph int, b bigint, geom geometry(MultiPolygon, 4326), old text)',
  );
  await tx.query(
    `INSERT INTO units_new (id, s, c, k, blk, hh, ph, b, geom)
     SELECT x.id, x.s, x.c, x.k, x.blk, x.hh, x.ph, x.b, ${VALID_MULTI('ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326)')}
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, s text, c text, k text, blk text, hh int, ph int, b bigint, g text)`,
    [JSON.stringify(fresh)],
  );
  await tx.query(
    `UPDATE units_new n SET old = m.old FROM (
       SELECT DISTINCT ON (o.id) o.id AS old, n2.id AS new FROM units_new n2
       JOIN units o ON o.retired_at IS NULL AND o.subdistrict_id = n2.s AND o.geom && n2.geom AND ST_Normalize(o.geom) = ST_Normalize(n2.geom)
       ORDER BY o.id, n2.id) m
     WHERE n.id = m.new`,
  );
  const kept = await tx.query<{ id: string }>(
    `UPDATE units o SET households = n.hh, party_households = n.ph, community_id = n.c, compound_id = n.k, block_id = n.blk, build_id = n.b
     FROM units_new n WHERE n.old = o.id RETURNING o.id`,
  );
  await tx.query(
    `INSERT INTO units (id, subdistrict_id, community_id, compound_id, block_id, households, party_households, build_id, geom)
     SELECT id, s, c, k, blk, hh, ph, b, geom FROM units_new WHERE old IS NULL`,
  );
  await tx.query(
    `UPDATE units u SET buildings = (SELECT count(*)::int FROM buildings b WHERE b.geom && u.geom AND ST_Intersects(u.geom, ST_PointOnSurface(b.geom)))
     WHERE u.build_id = ANY($1::bigint[])`,
    [buildIds],
  );
  // the units of earlier builds (or of the demo) that this build replaces
  const stale = (
    await tx.query<{ id: string; used: boolean }>(
      `SELECT u.id, EXISTS (SELECT 1 FROM plan_assignments a WHERE a.unit_id = u.id) AS used FROM units u
     WHERE u.subdistrict_id = ANY($1::text[]) AND u.retired_at IS NULL AND (u.build_id IS NULL OR NOT (u.build_id = ANY($2::bigint[])))`,
      [subs, buildIds],
    )
  ).rows;
  const staleIds = stale.map((r) => r.id);
  // personal households → the new unit holding their point: those of the replaced units, and those
  // in no unit yet (a register imported before the first build: the demo's raw path, a real
  // district's own household table). One join, not a lookup per household (the index on
  // units.geom serves it); a point on no unit (in the water, on a rounding gap) takes the nearest
  // unit of this build within 30 m, else none.
  await tx.query(
    `WITH m AS (SELECT DISTINCT ON (h.id) h.id, u.id AS unit FROM households h JOIN units u ON u.build_id = ANY($2::bigint[]) AND u.geom && h.geom AND ST_Intersects(u.geom, h.geom)
                WHERE h.unit_id = ANY($1::text[]) OR h.unit_id IS NULL ORDER BY h.id, u.id)
     UPDATE households h SET unit_id = m.unit FROM m WHERE h.id = m.id`,
    [staleIds, buildIds],
  );
  await tx.query(
    `UPDATE households h SET unit_id = (SELECT u.id FROM units u WHERE u.build_id = ANY($2::bigint[]) AND ST_DWithin(u.geom, h.geom, 0.0003) ORDER BY u.geom <-> h.geom, u.id LIMIT 1)
     WHERE h.unit_id = ANY($1::text[]) OR (h.unit_id IS NULL AND EXISTS (SELECT 1 FROM units u WHERE u.build_id = ANY($2::bigint[]) AND ST_DWithin(u.geom, h.geom, 0.0003)))`,
    [staleIds, buildIds],
  );
  const retire = stale.filter((r) => r.used).map((r) => r.id);
  const drop = stale.filter((r) => !r.used).map((r) => r.id);
  if (retire.length) await tx.query('UPDATE units SET retired_at = now() WHERE id = ANY($1::text[])', [retire]);
  if (drop.length) await tx.query('DELETE FROM units WHERE id = ANY($1::text[])', [drop]);

  // buildings to their new block; old blocks retired (a retired unit names them) or deleted
  await tx.query(
    `UPDATE buildings b SET block_id = (SELECT k.id FROM blocks k WHERE k.build_id = ANY($2::bigint[]) AND k.geom && b.geom AND ST_Intersects(k.geom, ST_PointOnSurface(b.geom)) ORDER BY k.id LIMIT 1)
     WHERE b.block_id = ANY($1::text[]) OR EXISTS (SELECT 1 FROM subdistricts s WHERE s.id = ANY($3::text[]) AND s.geom && b.geom AND ST_Intersects(s.geom, ST_PointOnSurface(b.geom)))`,
    [oldBlocks, buildIds, subs],
  );
  if (oldBlocks.length) {
    await tx.query('UPDATE blocks k SET retired_at = now() WHERE k.id = ANY($1::text[]) AND EXISTS (SELECT 1 FROM units u WHERE u.block_id = k.id)', [
      oldBlocks,
    ]);
    await tx.query('DELETE FROM blocks k WHERE k.id = ANY($1::text[]) AND k.retired_at IS NULL', [oldBlocks]);
  }

  // sums the map and the partition form show
  await tx.query(
    'UPDATE subdistricts s SET households = COALESCE((SELECT sum(u.households) FROM units u WHERE u.subdistrict_id = s.id AND u.retired_at IS NULL), 0) WHERE s.id = ANY($1::text[])',
    [subs],
  );
  await tx.query(
    'UPDATE communities c SET households = COALESCE((SELECT sum(u.households) FROM units u WHERE u.community_id = c.id AND u.retired_at IS NULL), 0) WHERE c.subdistrict_id = ANY($1::text[])',
    [subs],
  );
  const households = out.units.reduce((s, u) => s + u.households, 0);
  for (const s of subs) {
    const mine = out.units.filter((u) => u.subdistrict === s);
    const stats = {
      blocks: out.blocks.filter((b, i) => b.subdistrict === s && writtenBlocks.has(blockIds[i])).length,
      units: mine.length,
      households: mine.reduce((x, u) => x + u.households, 0),
      communities: out.communities[s] ?? 0,
    };
    await tx.query('UPDATE unit_builds SET stats = $2::jsonb, report = $3::jsonb WHERE id = $1', [
      builds[s],
      JSON.stringify(stats),
      JSON.stringify(reports[s]),
    ]);
  }
  await tx.query('DROP TABLE units_new');
  opts.checkCancelled();
  return {
    builds,
    blocks: writtenBlocks.size,
    blocksSkipped: out.blocks.length - writtenBlocks.size,
    units: out.units.length,
    unitsKept: kept.rows.length,
    unitsRetired: retire.length,
    unitsDeleted: drop.length,
    compoundsCreated: created.length,
    households,
    reports,
  };
}
