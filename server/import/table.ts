/**
 * The one tabular reader of the importer: a CSV text (any delimiter; decoded beforehand from UTF-8
 * with or without BOM, or GBK; CRLF or LF) or an XLSX workbook (exceljs, loaded on the first
 * workbook so start-up and CSV imports never pay for it; the first sheet with data or a named one)
 * becomes the same Table: the header row (found among the first rows, title and blank rows above
 * it passed over), and the data rows as text cells with their reference ("line N" of the CSV,
 * "row N" of the sheet). Cells stay text as written: a building number "03" typed as text stays
 * "03", a number cell 3 is "3". Blank rows and merged banner rows are skipped.
 */
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { findHeaderRow } from './columns';
import { ParseFailure } from '../../common/gis-files/parse-errors';

export interface TableRow {
  ref: string;
  cells: string[];
}

export interface Table {
  format: 'csv' | 'xlsx';
  /** XLSX: the sheet read, and all sheet names. */
  sheet?: string;
  sheets?: string[];
  headers: string[];
  /** "line 1" / "row 3": where the header was found. */
  headerRef: string;
  rows: TableRow[];
  /** Rows passed over on purpose, by reason. */
  skipped: Record<string, number>;
}

/** Largest sheet read (cells); a bigger one is refused rather than exhausting memory. */
export const MAX_CELLS = 5_000_000;

function detectDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

const blank = (cells: string[]) => cells.every((c) => c === '');

/** Header + rows from raw rows (with their refs): the header row detected, blank rows dropped. */
function fromRows(format: Table['format'], raw: TableRow[], skipped: Record<string, number>): Omit<Table, 'sheet' | 'sheets'> {
  const h = findHeaderRow(raw.map((r) => r.cells));
  if (!raw[h]) throw new ParseFailure('empty file');
  const headers = raw[h].cells.map((c) => c.trim());
  const rows: TableRow[] = [];
  for (const r of raw.slice(h + 1)) {
    if (blank(r.cells)) continue;
    rows.push(r);
  }
  return { format, headers, headerRef: raw[h].ref, rows, skipped };
}

/** A decoded CSV text as a Table. Throws ParseFailure for malformed CSV (with its line). */
export function csvTable(text: string): Table {
  if (text.trim() === '') throw new ParseFailure('empty file');
  const firstLine =
    text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .split(/\r?\n/)[0] ?? '';
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
  return fromRows(
    'csv',
    records.map((r) => ({ ref: `line ${r.info.lines}`, cells: r.record })),
    {},
  );
}

/** True when the file is an XLSX workbook (by name, or a zip without a .zip name). */
export function isXlsx(fileName: string, bytes: Uint8Array): boolean {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'xlsx' || ext === 'xlsm') return true;
  if (ext && ext !== 'bin' && ext !== 'dat') return false;
  // a zip without a telling name: a workbook names its parts ([Content_Types].xml, xl/…) in the clear
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) return false;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1 << 16));
  return head.includes('[Content_Types].xml') || head.includes('xl/workbook.xml');
}

/** A cell value as text: numbers as written by JS, dates as China wall time, formulas by their result. */
export function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    // Excel stores wall time; exceljs hands it over as that time in UTC
    return Number.isNaN(v.getTime())
      ? ''
      : v
          .toISOString()
          .replace('T', ' ')
          .replace(/\.000Z$|Z$/, '')
          .replace(/ 00:00:00$/, '');
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText))
      return v.richText
        .map((t) => t.text)
        .join('')
        .trim();
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('error' in v) return '';
  }
  return String(v);
}

/**
 * An XLSX workbook as a Table: the named sheet, else the first sheet that has rows. Throws
 * ParseFailure for a file that is not a workbook, an unknown sheet or an empty sheet.
 */
export async function xlsxTable(bytes: Uint8Array, sheet?: string): Promise<Table> {
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new ParseFailure(`不是有效的 XLSX 工作簿（not a readable XLSX workbook: ${(err as Error).message.slice(0, 120)}）`);
  }
  const sheets = wb.worksheets.map((w) => w.name);
  if (sheets.length === 0) throw new ParseFailure('XLSX 工作簿中没有工作表 (the workbook has no sheet)');
  const ws = sheet !== undefined ? wb.getWorksheet(sheet) : (wb.worksheets.find((w) => w.actualRowCount > 0) ?? wb.worksheets[0]);
  if (!ws) throw new ParseFailure(`工作簿中没有名为“${sheet}”的工作表 (no sheet named '${sheet}'; sheets: ${sheets.join(', ')})`);
  if (ws.rowCount * Math.max(1, ws.columnCount) > MAX_CELLS) {
    throw new ParseFailure(`工作表过大：${ws.rowCount} 行 × ${ws.columnCount} 列 (sheet over ${MAX_CELLS} cells: split it)`);
  }
  const raw: TableRow[] = [];
  const banners: number[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    const masters = new Set<string>();
    let allMerged = true;
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
      if (cells[col - 1] !== '') {
        if (cell.isMerged) masters.add(cell.master.address);
        else allMerged = false;
      }
    });
    for (let i = 0; i < Math.max(cells.length, ws.columnCount); i++) cells[i] ??= '';
    if (blank(cells)) return;
    // a banner merged across the row (a title, a section heading): not a record
    if (allMerged && masters.size === 1 && cells.filter((c) => c !== '').length > 1) {
      banners.push(n);
      return;
    }
    raw.push({ ref: `row ${n}`, cells });
  });
  if (raw.length === 0) throw new ParseFailure(`工作表“${ws.name}”是空的 (the sheet is empty)`);
  const t = fromRows('xlsx', raw, {});
  // a title above the header is no record; a banner among the records is skipped and counted
  const below = banners.filter((n) => n > Number(t.headerRef.slice(4))).length;
  if (below) t.skipped['merged title row'] = below;
  return { ...t, sheet: ws.name, sheets };
}
