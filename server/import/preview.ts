/**
 * The preview of a tabular import (CSV or XLSX) before anything is written: the header found, each
 * column with the role it will serve (detected by name, or as the planner corrected it), a sample
 * value, and the rows' points in WGS84 for the map (rows without coordinates are counted: the
 * register matches them by address at import). Reads the file exactly as the import does.
 */
import type { TablePreview } from '../../common/http/imports';
import { detectColumns, rolesByColumn, type ColumnOverrides } from './columns';
import { toWgs84 } from './datum';
import { decodeText, type TextEncoding } from './decode';
import { ImportError, ParseFailure } from '../../common/gis-files/parse-errors';
import { layerFromName } from './infer';
import { looksLikeRegister } from './register';
import { csvTable, isXlsx, xlsxTable, type Table } from './table';
import type { Datum, Layer } from '../../common/gis-files/feature-types';

/** The most points a preview carries (the check and the import read every row). */
export const PREVIEW_POINTS = 50_000;

export type { TablePreview };

export interface PreviewOptions {
  layer?: Layer;
  datum?: Datum;
  columns?: ColumnOverrides;
  sheet?: string;
}

/** True for the files previewTable reads (CSV/TSV/TXT and XLSX). */
export function isTabular(fileName: string, bytes: Uint8Array): boolean {
  return isXlsx(fileName, bytes) || /\.(csv|tsv|txt)$/i.test(fileName);
}

/** Previews a CSV or XLSX file. Throws ImportError with a plain message for a file it cannot read. */
export async function previewTable(bytes: Uint8Array, fileName: string, opts: PreviewOptions = {}): Promise<TablePreview> {
  let table: Table;
  let encoding: TextEncoding = 'utf-8';
  try {
    if (isXlsx(fileName, bytes)) table = await xlsxTable(bytes, opts.sheet);
    else {
      const d = decodeText(bytes);
      encoding = d.encoding;
      table = csvTable(d.text);
    }
  } catch (err) {
    if (err instanceof ParseFailure) throw new ImportError(fileName, err.problem, err.feature);
    throw err;
  }
  let map;
  try {
    map = detectColumns(table.headers, opts.columns ?? {});
  } catch (err) {
    throw new ImportError(fileName, (err as Error).message, table.headerRef);
  }
  const roles = rolesByColumn(table.headers, map);
  const first = table.rows[0]?.cells ?? [];
  const columns = table.headers.map((name, i) => ({
    name,
    role: roles[i],
    sample: (table.rows.find((r) => (r.cells[i] ?? '') !== '')?.cells[i] ?? first[i] ?? '').slice(0, 80),
  }));
  const layer = opts.layer ?? layerFromName(fileName) ?? (looksLikeRegister(map) && map.time === undefined ? 'register' : null);
  const points: Array<[number, number]> = [];
  let withCoordinates = 0;
  for (const { cells } of table.rows) {
    if (map.lon === undefined || map.lat === undefined) break;
    const rx = cells[map.lon] ?? '';
    const ry = cells[map.lat] ?? '';
    const x = Number(rx);
    const y = Number(ry);
    if (rx === '' || ry === '' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) continue;
    withCoordinates++;
    if (points.length < PREVIEW_POINTS) points.push(toWgs84([x, y], opts.datum ?? 'wgs84') as [number, number]);
  }
  return {
    format: table.format,
    encoding,
    ...(table.sheet ? { sheet: table.sheet, sheets: table.sheets } : {}),
    headerRef: table.headerRef,
    layer,
    rows: table.rows.length,
    columns,
    points,
    withCoordinates,
    withoutCoordinates: table.rows.length - withCoordinates,
  };
}
