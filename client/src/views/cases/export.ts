/** CSV and PNG downloads for the dashboard (generated in the browser, nothing leaves the page). */

/** RFC 4180 CSV with a UTF-8 BOM so spreadsheet programs read the Chinese text. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadCsv(name: string, rows: ReadonlyArray<ReadonlyArray<string | number | null>>): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
