import type { Queryable } from '../../server/db';

/**
 * An imported-like raw district for the units job, written by SQL as an import would leave it:
 * two sub-districts of 100 m street blocks (no pre-made units or blocks).
 * - A `340802901` (800 × 600 m, two communities split by an arterial at x = 400): households from
 *   the register, 2 rows per block, one block of 6 rows over 500 households (split), one block with
 *   no row (x 700–800, y 0–100), a pond (x 520–580, y 420–480), a street 1.2 m short of the street it
 *   meets (healed) and one stopping 8 m short of both (unclosed), and one register row 300 m south of
 *   every boundary (named for A).
 * - B `340802902` (x 800–1200, no communities, no register rows): households from its buildings.
 * Coordinates are metres from (117.10, 30.50), converted to WGS84.
 */
export const RAW = {
  A: '340802901',
  B: '340802902',
  lon0: 117.1,
  lat0: 30.5,
  emptyBlock: { x: 750, y: 50 },
  outsideRow: { x: 400, y: -300, households: 37 },
};

const KX = 111320 * Math.cos((RAW.lat0 * Math.PI) / 180);
const KY = 110574;
export const ll = (x: number, y: number): [number, number] => [RAW.lon0 + x / KX, RAW.lat0 + y / KY];
const env = (x0: number, y0: number, x1: number, y1: number) => [...ll(x0, y0), ...ll(x1, y1)];
const line = (pts: Array<[number, number]>) => JSON.stringify({ type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) });

export interface RawRow {
  x: number;
  y: number;
  households: number;
  compound: string | null;
}

/** The register rows of A (metres), the planted outside row last. */
export function rawRegisterRows(): RawRow[] {
  const rows: RawRow[] = [];
  for (let c = 0; c < 8; c++)
    for (let r = 0; r < 6; r++) {
      const x0 = c * 100,
        y0 = r * 100;
      if (x0 === 700 && y0 === 0) continue; // the planted empty block
      const compound = c < 2 ? '锦绣小区' : null;
      if (c === 1 && r === 4) {
        // the big block: 6 rows, 650 households, split by its points
        const hh = [120, 100, 110, 100, 120, 100];
        hh.forEach((h, k) => rows.push({ x: x0 + 20 + (k % 3) * 30, y: y0 + 25 + Math.floor(k / 3) * 50, households: h, compound }));
        continue;
      }
      for (let k = 0; k < 2; k++) rows.push({ x: x0 + 30 + k * 40, y: y0 + 35 + k * 30, households: 30 + ((c * 7 + r * 13 + k * 5) % 41), compound });
    }
  rows.push({ x: RAW.outsideRow.x, y: RAW.outsideRow.y, households: RAW.outsideRow.households, compound: null });
  return rows;
}

export async function insertRawDistrict(db: Queryable): Promise<{ registerA: number; buildingsB: number }> {
  await db.query(
    `INSERT INTO subdistricts (id, code, name, kind, geom) VALUES
     ($1, '901', '甲街道', 'street', ST_Multi(ST_MakeEnvelope($3,$4,$5,$6,4326))),
     ($2, '902', '乙街道', 'street', ST_Multi(ST_MakeEnvelope($7,$8,$9,$10,4326)))`,
    [RAW.A, RAW.B, ...env(0, 0, 800, 600), ...env(800, 0, 1200, 600)],
  );
  await db.query(
    `INSERT INTO communities (id, subdistrict_id, code, name, geom) VALUES
     ($1 || '001', $1, '001', '西社区', ST_Multi(ST_MakeEnvelope($2,$3,$4,$5,4326))),
     ($1 || '002', $1, '002', '东社区', ST_Multi(ST_MakeEnvelope($6,$7,$8,$9,4326)))`,
    [RAW.A, ...env(0, 0, 400, 600), ...env(400, 0, 800, 600)],
  );
  const streets: Array<{ id: string; cls: string; g: string }> = [];
  for (let x = 100; x < 1200; x += 100)
    streets.push({
      id: `v${x}`,
      cls: x === 400 ? 'arterial' : 'local',
      g: line([
        [x, -20],
        [x, 620],
      ]),
    });
  for (let y = 100; y < 600; y += 100)
    streets.push({
      id: `h${y}`,
      cls: 'local',
      g: line([
        [-20, y],
        [1220, y],
      ]),
    });
  streets.push({
    id: 'gap',
    cls: 'lane',
    g: line([
      [150, 200],
      [150, 298.8],
    ]),
  }); // healed onto y = 300
  streets.push({
    id: 'short',
    cls: 'lane',
    g: line([
      [650, 208],
      [650, 292],
    ]),
  }); // 8 m short of both
  await db.query(
    `INSERT INTO streets (id, class, source, geom) SELECT x.id, x.cls, 'import', ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326)
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, cls text, g text)`,
    [JSON.stringify(streets)],
  );
  await db.query(
    `INSERT INTO water (id, name, kind, geom) VALUES ('pond', '荷塘', 'lake', ST_Multi(ST_MakeEnvelope($1,$2,$3,$4,4326)))`,
    env(520, 420, 580, 480),
  );
  const rows = rawRegisterRows();
  await db.query(
    `INSERT INTO household_register (import_id, row_ref, compound_name, households, subdistrict_id, located_by, geom)
     SELECT 'test-reg', 'line ' || (x.k + 2), x.compound, x.hh, $1, 'coordinates', ST_SetSRID(ST_Point(x.lon, x.lat), 4326)
     FROM jsonb_to_recordset($2::jsonb) AS x(k int, compound text, hh int, lon float8, lat float8)`,
    [RAW.A, JSON.stringify(rows.map((r, k) => ({ k, compound: r.compound, hh: r.households, lon: ll(r.x, r.y)[0], lat: ll(r.x, r.y)[1] })))],
  );
  const buildings: Array<{ id: string; hh: number; compound: string | null; e: number[] }> = [];
  for (let c = 8; c < 12; c++)
    for (let r = 0; r < 6; r++) {
      const x = c * 100 + 50,
        y = r * 100 + 50;
      buildings.push({ id: `bB${c}_${r}`, hh: 80 + ((c * 11 + r * 7) % 41), compound: r < 2 ? '河畔花园' : null, e: env(x - 10, y - 10, x + 10, y + 10) });
    }
  await db.query(
    `INSERT INTO buildings (id, households, compound_name, label, source, geom)
     SELECT x.id, x.hh, x.compound, x.id, 'import', ST_MakeEnvelope(x.e[1], x.e[2], x.e[3], x.e[4], 4326)
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, hh int, compound text, e float8[])`,
    [JSON.stringify(buildings)],
  );
  return { registerA: rows.slice(0, -1).reduce((s, r) => s + r.households, 0), buildingsB: buildings.reduce((s, b) => s + b.hh, 0) };
}
