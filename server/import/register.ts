/**
 * The household register (住户登记) from a table: one row per household (no households column: 1
 * each) or per building (户数). Each row is placed by its coordinates (converted from the file's
 * datum to WGS84) or, without coordinates, left for address matching against the imported
 * buildings (compound + building number, at write time). A row that can be neither, or whose
 * households value is unusable, is rejected with its row reference and the reason. Pure.
 */
import { buildingKey, splitAddress } from './address';
import { detectColumns, type ColumnMap, type ColumnOverrides } from './columns';
import { toWgs84 } from './datum';
import { ParseFailure } from '../../common/gis-files/parse-errors';
import type { Table } from './table';
import type { Datum, Problem } from '../../common/gis-files/feature-types';

export interface RegisterRow {
  ref: string;
  building_ref: string | null;
  compound_name: string | null;
  address: string | null;
  households: number;
  party_households: number;
  /** WGS84, when the row has coordinates; otherwise the row is matched by its address. */
  lon: number | null;
  lat: number | null;
}

export interface RegisterRows {
  rows: RegisterRow[];
  rejected: Problem[];
  columns: ColumnMap;
}

/** Roles that make a table a household register (with no explicit layer). */
export function looksLikeRegister(columns: ColumnMap): boolean {
  return columns.households !== undefined || columns.building !== undefined || columns.party !== undefined;
}

/** A count cell: "12", "12户", "12.0" → 12; empty → null; otherwise NaN. */
export function parseCount(raw: string): number | null {
  const s = raw.normalize('NFKC').replace(/\s+/g, '').replace(/户$/, '');
  if (s === '') return null;
  if (!/^\d+(\.0+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

const cell = (cells: string[], i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());

/** The register rows of a table. Throws ParseFailure when an override names no column. */
export function registerRows(table: Table, datum: Datum, overrides: ColumnOverrides = {}): RegisterRows {
  let columns: ColumnMap;
  try {
    columns = detectColumns(table.headers, overrides);
  } catch (err) {
    throw new ParseFailure((err as Error).message, table.headerRef);
  }
  const hasCoords = columns.lon !== undefined && columns.lat !== undefined;
  const hasAddress = columns.building !== undefined || columns.address !== undefined;
  if (!hasCoords && !hasAddress) {
    throw new ParseFailure(
      `住户登记表需要经度/纬度列，或楼栋编号/地址列 (the register needs lon/lat columns, or a building number or address column; header: ${table.headers.join(', ')})`,
      table.headerRef,
    );
  }
  if (table.rows.length === 0) throw new ParseFailure('empty file: a header but no rows');
  const out: RegisterRows = { rows: [], rejected: [], columns };
  const reject = (ref: string, problem: string) => out.rejected.push({ feature: ref, problem });
  for (const { ref, cells } of table.rows) {
    const building = cell(cells, columns.building) || null;
    const compound = cell(cells, columns.compound) || null;
    const address = cell(cells, columns.address) || null;
    let households = 1;
    if (columns.households !== undefined) {
      const raw = cell(cells, columns.households);
      const n = parseCount(raw);
      if (n === null) {
        reject(ref, '户数为空 (households value is empty)');
        continue;
      }
      if (!Number.isFinite(n)) {
        reject(ref, `户数“${raw.slice(0, 40)}”不是非负整数 (bad households value)`);
        continue;
      }
      households = n;
    }
    let party = 0;
    if (columns.party !== undefined) {
      const raw = cell(cells, columns.party);
      const n = parseCount(raw);
      if (n !== null && !Number.isFinite(n)) {
        reject(ref, `党员户数“${raw.slice(0, 40)}”不是非负整数 (bad party households value)`);
        continue;
      }
      party = n ?? 0;
      if (party > households) {
        reject(ref, `党员户数 ${party} 大于户数 ${households} (party households above households)`);
        continue;
      }
    }
    const rawLon = cell(cells, columns.lon);
    const rawLat = cell(cells, columns.lat);
    let lon: number | null = null;
    let lat: number | null = null;
    if (rawLon !== '' || rawLat !== '') {
      const x = Number(rawLon);
      const y = Number(rawLat);
      if (rawLon === '' || rawLat === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
        reject(ref, `坐标“${rawLon}, ${rawLat}”不是一对数字 (bad coordinates)`);
        continue;
      }
      if (Math.abs(x) > 180 || Math.abs(y) > 90) {
        reject(ref, `坐标 ${x}, ${y} 超出范围${Math.abs(y) > 90 && Math.abs(x) <= 90 ? '（经纬度顺序颠倒？）' : ''} (coordinates out of range)`);
        continue;
      }
      [lon, lat] = toWgs84([x, y], datum) as [number, number];
    } else {
      const key = buildingKey(building) ?? splitAddress(address).building;
      if (!building && !address && !compound) {
        reject(ref, '既无坐标也无地址 (no coordinates and no address)');
        continue;
      }
      if (!key) {
        reject(ref, `无坐标，地址中也没有楼栋号：${[compound, address].filter(Boolean).join(' ')} (no coordinates, and no building number in the address)`);
        continue;
      }
    }
    out.rows.push({ ref, building_ref: building, compound_name: compound, address, households, party_households: party, lon, lat });
  }
  return out;
}
