/**
 * Imports a plan as a new draft from an assignment CSV (unit_id,grid_code) or from grid polygons
 * (GeoJSON with a 15-digit `code` per feature; units go to the polygon they overlap most, in SQL).
 * Everything is checked before anything is written; a bad file gets a message naming the line or
 * feature and nothing changes. The draft is written in one transaction (createPlan).
 */
import type { PlanImportResult } from '../../common/http/plans';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db';
import { createPlan } from './store';
import { OutOfScopeError } from '../auth/scope';

export class ImportFileError extends Error {
  readonly statusCode = 400;
}

export interface ImportRequest {
  name: string;
  author: string;
  format: 'csv' | 'geojson';
  content: string;
  params?: Record<string, unknown>;
  /** May the caller write this sub-district? (scoped planners; absent: everything) */
  writable?: (subdistrict: string) => boolean;
}

/** Answer of POST /api/plans/import (common/http/plans.ts). */
export type ImportResult = PlanImportResult;

const CODE = /^\d{15}$/;
const UNIT_HEADERS = ['unit_id', 'unit', '单元', '单元编号'];
const GRID_HEADERS = ['grid_code', 'grid', 'code', '网格编码', '网格'];

async function unitSubdistricts(db: Db, ids: string[]): Promise<Map<string, string>> {
  const r = await db.query<{ id: string; s: string }>('SELECT id, subdistrict_id AS s FROM units WHERE id = ANY($1::text[])', [ids]);
  return new Map(r.rows.map((x) => [x.id, x.s]));
}

async function unitsOf(db: Db, subdistricts: string[]): Promise<string[]> {
  const r = await db.query<{ id: string }>('SELECT id FROM units WHERE subdistrict_id = ANY($1::text[])', [subdistricts]);
  return r.rows.map((x) => x.id);
}

export function parseAssignmentCsv(text: string): Array<{ line: number; unit: string; grid: string | null }> {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const m = /line (\d+)/i.exec(String((e as Error).message));
    throw new ImportFileError(
      `CSV 格式错误${m ? `（第 ${m[1]} 行）` : ''}：${(e as Error).message} (CSV format error${m ? ` on line ${m[1]}` : ''}: ${(e as Error).message})`,
    );
  }
  if (records.length < 2)
    throw new ImportFileError(
      'CSV 文件为空：需要表头 unit_id,grid_code 和至少一行数据 (the CSV file is empty: it needs the header unit_id,grid_code and at least one data row)',
    );
  const head = records[0].map((h) => h.toLowerCase());
  const ui = head.findIndex((h) => UNIT_HEADERS.includes(h));
  const gi = head.findIndex((h) => GRID_HEADERS.includes(h));
  if (ui < 0 || gi < 0)
    throw new ImportFileError(
      `第 1 行：表头须包含 unit_id 和 grid_code 两列（实际为：${records[0].join(', ')}） (line 1: the header must contain the columns unit_id and grid_code; found: ${records[0].join(', ')})`,
    );
  const seen = new Map<string, number>();
  return records.slice(1).map((row, i) => {
    const line = i + 2;
    const unit = row[ui] ?? '';
    const grid = (row[gi] ?? '').trim();
    if (!unit) throw new ImportFileError(`第 ${line} 行：缺少单元编号 (line ${line}: missing unit id)`);
    if (grid && !CODE.test(grid))
      throw new ImportFileError(`第 ${line} 行：网格编码“${grid}”不是 15 位数字 (line ${line}: grid code ${grid} is not 15 digits)`);
    if (seen.has(unit))
      throw new ImportFileError(
        `第 ${line} 行：单元 ${unit} 重复（第 ${seen.get(unit)} 行已出现） (line ${line}: unit ${unit} is repeated, first on line ${seen.get(unit)})`,
      );
    seen.set(unit, line);
    return { line, unit, grid: grid || null };
  });
}

async function fromCsv(db: Db, text: string): Promise<{ assignment: Record<string, string | null>; subdistricts: string[] }> {
  const rows = parseAssignmentCsv(text);
  const sd = await unitSubdistricts(
    db,
    rows.map((r) => r.unit),
  );
  for (const r of rows) {
    const s = sd.get(r.unit);
    if (!s) throw new ImportFileError(`第 ${r.line} 行：单元 ${r.unit} 不存在 (line ${r.line}: unit ${r.unit} does not exist)`);
    if (r.grid && r.grid.slice(0, 9) !== s)
      throw new ImportFileError(
        `第 ${r.line} 行：网格 ${r.grid} 不属于单元 ${r.unit} 所在的街道 ${s}（网格不能跨街道） (line ${r.line}: grid ${r.grid} does not belong to the sub-district ${s} of unit ${r.unit}; a grid cannot cross sub-districts)`,
      );
  }
  const subdistricts = [...new Set(sd.values())].sort();
  const assignment: Record<string, string | null> = {};
  for (const u of await unitsOf(db, subdistricts)) assignment[u] = null;
  for (const r of rows) assignment[r.unit] = r.grid;
  return { assignment, subdistricts };
}

interface GjFeature {
  type?: string;
  properties?: Record<string, unknown> | null;
  geometry?: { type?: string; coordinates?: unknown } | null;
}

function checkCoords(c: unknown, depth: number): boolean {
  if (!Array.isArray(c)) return false;
  if (depth === 0) return c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number' && Math.abs(c[0]) <= 180 && Math.abs(c[1]) <= 90;
  return c.length > 0 && c.every((x) => checkCoords(x, depth - 1));
}

export function parseGridGeoJson(text: string): Array<{ index: number; code: string; geometry: unknown }> {
  let doc: { type?: string; features?: GjFeature[] };
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')) as typeof doc;
  } catch (e) {
    throw new ImportFileError(`GeoJSON 不是有效的 JSON：${(e as Error).message} (the GeoJSON is not valid JSON: ${(e as Error).message})`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new ImportFileError('GeoJSON 须为 FeatureCollection (the GeoJSON must be a FeatureCollection)');
  if (doc.features.length === 0) throw new ImportFileError('GeoJSON 没有要素 (the GeoJSON has no features)');
  const seen = new Map<string, number>();
  return doc.features.map((f, index) => {
    const n = index + 1;
    const code = String(f?.properties?.code ?? f?.properties?.grid_code ?? '');
    if (!CODE.test(code))
      throw new ImportFileError(
        `第 ${n} 个要素：属性 code 须为 15 位网格编码（实际为“${code}”） (feature ${n}: the property code must be a 15-digit grid code, found ${code})`,
      );
    if (seen.has(code))
      throw new ImportFileError(
        `第 ${n} 个要素：网格编码 ${code} 与第 ${seen.get(code)} 个要素重复 (feature ${n}: grid code ${code} repeats feature ${seen.get(code)})`,
      );
    seen.set(code, n);
    const g = f.geometry;
    const depth = g?.type === 'Polygon' ? 3 : g?.type === 'MultiPolygon' ? 4 : -1;
    if (depth < 0)
      throw new ImportFileError(
        `第 ${n} 个要素（${code}）：几何须为 Polygon 或 MultiPolygon（实际为 ${g?.type ?? '空'}） (feature ${n}, ${code}: the geometry must be a Polygon or MultiPolygon, found ${g?.type ?? 'none'})`,
      );
    if (!checkCoords(g!.coordinates, depth - 1))
      throw new ImportFileError(
        `第 ${n} 个要素（${code}）：坐标无效（须为 WGS84 经纬度） (feature ${n}, ${code}: invalid coordinates; they must be WGS84 longitude/latitude)`,
      );
    return { index: n, code, geometry: g };
  });
}

async function fromGeoJson(db: Db, text: string): Promise<{ assignment: Record<string, string | null>; subdistricts: string[] }> {
  const feats = parseGridGeoJson(text);
  const r = await db.query<{ unit_id: string; code: string; s: string }>(
    `WITH f AS (SELECT x.code, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326)) AS geom
                FROM jsonb_to_recordset($1::jsonb) AS x(code text, g text)),
          o AS (SELECT u.id AS unit_id, f.code, u.subdistrict_id AS s,
                       ST_Area(ST_Intersection(u.geom, f.geom)) / NULLIF(ST_Area(u.geom), 0) AS share
                FROM units u JOIN f ON u.geom && f.geom AND ST_Intersects(u.geom, f.geom))
     SELECT DISTINCT ON (unit_id) unit_id, code, s FROM o WHERE share > 0.05 ORDER BY unit_id, share DESC`,
    [JSON.stringify(feats.map((f) => ({ code: f.code, g: JSON.stringify(f.geometry) })))],
  );
  if (r.rows.length === 0)
    throw new ImportFileError(
      'GeoJSON 的网格与任何单元都不重叠（坐标须为 WGS84；GCJ-02 数据请先转换） (the GeoJSON grids overlap no unit; coordinates must be WGS84, convert GCJ-02 data first)',
    );
  const hit = new Set(r.rows.map((x) => x.code));
  const empty = feats.find((f) => !hit.has(f.code));
  if (empty)
    throw new ImportFileError(
      `第 ${empty.index} 个要素（${empty.code}）：没有覆盖任何单元的主要部分 (feature ${empty.index}, ${empty.code}: covers the main part of no unit)`,
    );
  const wrong = r.rows.find((x) => x.code.slice(0, 9) !== x.s);
  if (wrong) {
    const f = feats.find((x) => x.code === wrong.code)!;
    throw new ImportFileError(
      `第 ${f.index} 个要素（${f.code}）：覆盖了街道 ${wrong.s} 的单元，但编码属于街道 ${f.code.slice(0, 9)} (feature ${f.index}, ${f.code}: covers units of sub-district ${wrong.s} but its code belongs to sub-district ${f.code.slice(0, 9)})`,
    );
  }
  const subdistricts = [...new Set(r.rows.map((x) => x.s))].sort();
  const assignment: Record<string, string | null> = {};
  for (const u of await unitsOf(db, subdistricts)) assignment[u] = null;
  for (const x of r.rows) assignment[x.unit_id] = x.code;
  return { assignment, subdistricts };
}

export async function importPlan(db: Db, req: ImportRequest): Promise<ImportResult> {
  const { assignment, subdistricts } = req.format === 'csv' ? await fromCsv(db, req.content) : await fromGeoJson(db, req.content);
  const outside = req.writable ? subdistricts.filter((s) => !req.writable!(s)) : [];
  if (outside.length)
    throw new OutOfScopeError(
      `文件中的网格属于您负责范围以外的街道 ${outside.join('、')}，未创建方案 (the grids in the file belong to sub-districts outside your area: ${outside.join(', ')}; no plan was created)`,
    );
  const id = await createPlan(db, {
    name: req.name,
    author: req.author,
    subdistricts,
    params: req.params ?? { min: 300, max: 500, imported: req.format },
    assignment,
  });
  const values = Object.values(assignment);
  return {
    id,
    units: values.length,
    assigned: values.filter((v) => v !== null).length,
    grids: new Set(values.filter((v) => v !== null)).size,
    subdistricts,
  };
}
