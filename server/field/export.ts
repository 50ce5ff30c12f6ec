/**
 * The grid ledger as a file: CSV (UTF-8 with BOM, so Excel opens Chinese text) or XLSX (exceljs,
 * loaded on the first XLSX export), one row per ledger item or per summary row, with Chinese
 * column headers.
 */
import type { LedgerItem, SummaryRow } from './store';

export const TYPE_LABEL: Record<string, string> = { visit: '走访', matter: '上报事项', basic_info: '基础信息', dispute: '矛盾纠纷', volunteer: '志愿活动' };
const OUTCOME_LABEL: Record<string, string> = { mediated: '调解成功', referred: '移交处理', withdrawn: '当事人撤回' };

export interface Table {
  headers: string[];
  rows: Array<Array<string | number | null>>;
}

const shanghai = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');

export function ledgerTable(items: LedgerItem[]): Table {
  return {
    headers: ['类型', '编号', '网格', '时间', '事项', '内容', '结果/状态', '走访分钟', '核查户数', '变更数', '记录人'],
    rows: items.map((i) => [
      TYPE_LABEL[i.type] ?? i.type,
      i.id,
      i.grid,
      shanghai(i.at),
      i.title,
      i.detail,
      i.type === 'dispute' ? (i.outcome ? (OUTCOME_LABEL[i.outcome] ?? i.outcome) : '未化解') : i.outcome,
      i.minutes,
      i.households,
      i.changes,
      i.author,
    ]),
  };
}

export function summaryTable(rows: SummaryRow[]): Table {
  return {
    headers: [
      '代码',
      '名称',
      '网格数',
      '基础信息记录',
      '核查户数',
      '变更数',
      '近4周走访',
      '近4周走访小时',
      '矛盾纠纷',
      '未化解纠纷',
      '上报事项',
      '未办结事项',
      '志愿活动',
    ],
    rows: rows.map((r) => [
      r.code,
      r.name,
      r.grids,
      r.basicInfo,
      r.householdsChecked,
      r.changes,
      r.visits4w,
      r.visitHours4w,
      r.disputes,
      r.disputesOpen,
      r.matters,
      r.mattersOpen,
      r.volunteer,
    ]),
  };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // a leading = + - @ would run as a formula in a spreadsheet: quote it with an apostrophe
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(t: Table): Buffer {
  const lines = [t.headers, ...t.rows].map((r) => r.map(csvCell).join(','));
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

export async function toXlsx(t: Table, sheet: string): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Wangge 网格';
  const ws = wb.addWorksheet(sheet);
  ws.addRow(t.headers).font = { bold: true };
  for (const r of t.rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
  ws.columns.forEach((c, i) => {
    c.width = Math.min(40, Math.max(8, ...[t.headers[i], ...t.rows.slice(0, 200).map((r) => r[i])].map((v) => String(v ?? '').length * 1.6)));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
