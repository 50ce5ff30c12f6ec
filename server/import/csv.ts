/**
 * Point features from a table (CSV or XLSX, server/import/table.ts): a longitude column (lon, lng,
 * longitude, x, 经度 …) and a latitude column (lat, latitude, y, 纬度 …), found by the header's
 * name or named by the planner. Every row becomes a Point feature named by its row reference; the
 * other columns become properties. A row whose coordinates are not numbers refuses the file. Pure.
 */
import { detectColumns, type ColumnOverrides } from './columns';
import { ParseFailure } from '../../common/gis-files/parse-errors';
import { csvTable, type Table } from './table';
import type { ParseResult, RawFeature } from '../../common/gis-files/feature-types';

const LON_NAMES = 'lon/lng/long/longitude/x/经度';
const LAT_NAMES = 'lat/latitude/y/纬度';

/** A table's rows as Point features (shops, incidents). */
export function tableFeatures(table: Table, overrides: ColumnOverrides = {}): ParseResult {
  const { headers } = table;
  let cols;
  try {
    cols = detectColumns(headers, overrides);
  } catch (err) {
    throw new ParseFailure((err as Error).message, table.headerRef);
  }
  const lonCol = cols.lon ?? -1;
  const latCol = cols.lat ?? -1;
  if (lonCol < 0 || latCol < 0) {
    throw new ParseFailure(
      `no ${lonCol < 0 ? 'longitude' : 'latitude'} column in the header (${headers.join(', ')}); expected one of ${lonCol < 0 ? LON_NAMES : LAT_NAMES}`,
      table.headerRef,
    );
  }
  if (table.rows.length === 0) throw new ParseFailure('empty file: a header but no rows');
  const idCol = cols.id ?? -1;
  const features: RawFeature[] = [];
  for (const { ref, cells } of table.rows) {
    const rawLon = cells[lonCol] ?? '';
    const rawLat = cells[latCol] ?? '';
    const lon = Number(rawLon);
    const lat = Number(rawLat);
    if (rawLon === '' || !Number.isFinite(lon)) throw new ParseFailure(`longitude '${rawLon}' is not a number`, ref);
    if (rawLat === '' || !Number.isFinite(lat)) throw new ParseFailure(`latitude '${rawLat}' is not a number`, ref);
    const properties: Record<string, unknown> = {};
    headers.forEach((h, i) => {
      if (i !== lonCol && i !== latCol && cells[i] !== undefined && cells[i] !== '' && h !== '') properties[h] = cells[i];
    });
    const id = idCol >= 0 ? cells[idCol] : undefined;
    features.push({ ref, sourceId: id ? id : undefined, geometry: { type: 'Point', coordinates: [lon, lat] }, properties });
  }
  return { format: table.format, features, problems: [], skipped: { ...table.skipped } };
}

/** Parses CSV text (already decoded) into Point features. Pure. */
export function parseCsv(text: string): ParseResult {
  return tableFeatures(csvTable(text));
}
