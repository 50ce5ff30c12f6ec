/**
 * Row writers of the demo loader: deletes the previous demo rows, and inserts the demo layers the
 * raw files do not carry (water, shops, households, incidents, cases and their events) in batches,
 * one JSON parameter per batch, through jsonb_to_recordset. Every row is written synthetic = true.
 */
import type { Feature, Geometry } from 'geojson';
import type { Queryable } from '../db';
import { LAYERS } from '../../geodata/generator/types';
import { linkRegisterToBuildings } from '../import/register-link';
import { SPECS, type LayerSpec } from './specs';

const BATCH = 3000;

/** The layers the demo inserts directly (what a raw district's files do not hold). */
export const EXTRA_SPECS = { water: SPECS.water, shops: SPECS.shops, households: SPECS.households, incidents: SPECS.incidents, cases: SPECS.cases };

/** Every table holding demo rows, parents first. */
const DEMO_TABLES = [...LAYERS, 'household_register'];

/**
 * Deletes every demo row (synthetic = true, plus plans that cover demo sub-districts, since their
 * units go away). When the core tables hold nothing but demo rows (the usual case) they are
 * truncated together, which is far faster than row-by-row deletes with foreign-key checks.
 */
export async function deleteDemo(tx: Queryable): Promise<void> {
  await tx.query(`DELETE FROM plans p WHERE EXISTS (SELECT 1 FROM subdistricts s WHERE s.synthetic AND s.id = ANY(p.subdistricts))`);
  const real = await tx.query<{ n: number }>(
    `SELECT (${DEMO_TABLES.map((t) => `(SELECT count(*) FROM (SELECT 1 FROM ${t} WHERE NOT synthetic LIMIT 1) x)`).join(' + ')})::int AS n`,
  );
  if (real.rows[0].n === 0) {
    await tx.query(`TRUNCATE ${DEMO_TABLES.join(', ')}, case_events, plan_assignments, grids, unit_builds CASCADE`);
    return;
  }
  const reg = await tx.query<{ sd: string }>(
    `WITH d AS (DELETE FROM household_register r WHERE r.synthetic
       OR r.subdistrict_id IN (SELECT id FROM subdistricts WHERE synthetic)
       OR r.building_id IN (SELECT id FROM buildings WHERE synthetic) RETURNING r.subdistrict_id)
     SELECT DISTINCT subdistrict_id AS sd FROM d WHERE subdistrict_id IS NOT NULL`,
  );
  await tx.query(`DELETE FROM plan_assignments a USING units u WHERE a.unit_id = u.id AND u.synthetic`);
  await tx.query(`DELETE FROM grids g USING subdistricts s WHERE g.subdistrict_id = s.id AND s.synthetic`);
  for (const t of [...DEMO_TABLES].reverse()) if (t !== 'household_register') await tx.query(`DELETE FROM ${t} WHERE synthetic`);
  // the real buildings of sub-districts that lost register rows: their register households again
  const lost = reg.rows.map((r) => r.sd);
  await linkRegisterToBuildings(tx, lost);
  await tx.query(`DELETE FROM unit_builds b WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.build_id = b.id) AND NOT EXISTS (SELECT 1 FROM blocks k WHERE k.build_id = b.id)
                    AND NOT EXISTS (SELECT 1 FROM subdistricts s WHERE s.id = b.subdistrict_id)`);
}

/** Inserts features into spec.table (columns from their properties, missing ones null). */
export async function insertLayer(tx: Queryable, spec: LayerSpec, features: Array<Feature<Geometry, object>>): Promise<number> {
  const names = Object.keys(spec.cols);
  const recDef = [...names.map((c) => `"${c}" ${spec.cols[c]}`), 'geometry jsonb'].join(', ');
  const sql =
    `INSERT INTO ${spec.table} (${names.map((c) => `"${c}"`).join(', ')}, geom) ` +
    `SELECT ${names.map((c) => `r."${c}"`).join(', ')}, ${spec.geom('r.geometry::text')} FROM jsonb_to_recordset($1::jsonb) AS r(${recDef})`;
  let n = 0;
  for (let i = 0; i < features.length; i += BATCH) {
    const rows = features.slice(i, i + BATCH).map((f) => {
      const o: Record<string, unknown> = { geometry: f.geometry };
      for (const c of names) o[c] = (f.properties as Record<string, unknown>)[c] ?? null;
      return o;
    });
    await tx.query(sql, [JSON.stringify(rows)]);
    n += rows.length;
  }
  return n;
}

/** Inserts case events (case_id, status, at, actor, note) in batches. */
export async function insertCaseEvents(
  tx: Queryable,
  events: Array<{ case_id: string; status: string; at: string; actor: string; note: string | null }>,
): Promise<number> {
  let n = 0;
  for (let i = 0; i < events.length; i += BATCH * 2) {
    const chunk = events.slice(i, i + BATCH * 2);
    await tx.query(
      `INSERT INTO case_events (case_id, status, at, actor, note)
       SELECT case_id, status, at, actor, note FROM jsonb_to_recordset($1::jsonb) AS r(case_id text, status text, at timestamptz, actor text, note text)
       ORDER BY case_id, at`,
      [JSON.stringify(chunk)],
    );
    n += chunk.length;
  }
  return n;
}
