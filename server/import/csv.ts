import { parse } from 'csv-parse/sync';
import { ParseFailure } from './errors';
import type { ParseResult, RawFeature } from './types';

const LON = ['lon', 'lng', 'long', 'longitude', 'x', '经度'];
const LAT = ['lat', 'latitude', 'y', '纬度'];
const ID = ['id', 'fid', '编号', 'ID'];

function findColumn(headers: string[], names: string[]): number {
  const norm = headers.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = norm.indexOf(n.toLowerCase());
    if (i >= 0) return i;
  }
  return -1;
}

function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/**
 * Parses CSV text (already decoded) with a header row holding a longitude column (lon, lng,
 * longitude, x, 经度) and a latitude column (lat, latitude, y, 纬度). Every row becomes a Point
 * feature named by its line number; the other columns become properties. Pure.
 */
export function parseCsv(text: string): ParseResult {
  if (text.trim() === '') throw new ParseFailure('empty file');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter: detectDelimiter(firstLine),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      bom: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ParseFailure(`malformed CSV: ${e.message}`, e.lines ? `line ${e.lines}` : undefined);
  }
  if (records.length === 0) throw new ParseFailure('empty file');
  const headers = records[0].record;
  const lonCol = findColumn(headers, LON);
  const latCol = findColumn(headers, LAT);
  if (lonCol < 0 || latCol < 0) {
    throw new ParseFailure(
      `no ${lonCol < 0 ? 'longitude' : 'latitude'} column in the header (${headers.join(', ')}); expected one of ${(lonCol < 0 ? LON : LAT).join('/')}`,
      'line 1',
    );
  }
  if (records.length === 1) throw new ParseFailure('empty file: a header but no rows');
  const idCol = findColumn(headers, ID);

  const features: RawFeature[] = [];
  for (const { record, info } of records.slice(1)) {
    const ref = `line ${info.lines}`;
    const rawLon = record[lonCol] ?? '';
    const rawLat = record[latCol] ?? '';
    const lon = Number(rawLon);
    const lat = Number(rawLat);
    if (rawLon === '' || !Number.isFinite(lon)) throw new ParseFailure(`longitude '${rawLon}' is not a number`, ref);
    if (rawLat === '' || !Number.isFinite(lat)) throw new ParseFailure(`latitude '${rawLat}' is not a number`, ref);
    const properties: Record<string, unknown> = {};
    headers.forEach((h, i) => {
      if (i !== lonCol && i !== latCol && record[i] !== undefined && record[i] !== '') properties[h.trim()] = record[i];
    });
    const id = idCol >= 0 ? record[idCol] : undefined;
    features.push({
      ref,
      sourceId: id ? id : undefined,
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties,
    });
  }
  return { format: 'csv', features, problems: [], skipped: {} };
}
