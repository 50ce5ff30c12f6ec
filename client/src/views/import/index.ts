/**
 * Import data (#view=import), for planners and administrators: one file at a time by drag-and-drop
 * or the file picker; a preview on the map before anything is written (GeoJSON, Shapefile .zip and
 * GeoPackage read in the browser, a GeoPackage with sql.js loaded only then; CSV and XLSX tables
 * read by the server's preview route, exactly as the import will), the
 * detected fields (for tables: kepler.gl-style, the planner corrects which column is lon, lat,
 * households, compound, building …), a datum choice (guessed from the file name when obvious); "check" runs the
 * server's import as a dry run (nothing written) and shows its report; "import" runs it as a job
 * with a progress bar and ends with the report: rows read, written, rejected with the reason and
 * row/feature (downloadable as CSV). A refused file writes nothing.
 */
import { ApiError } from '../../api';
import {
  DATUMS,
  IMPORT_LAYERS,
  IMPORT_MAX_BYTES,
  importsApi,
  OVERRIDABLE_ROLES,
  type Datum,
  type ImportLayer,
  type ImportReport,
  type OverridableRole,
  type TablePreview,
} from '../../api/imports';
import type { JobInfo } from '../../api/plans';
import { getLang, t, type MessageKey, joinList, joinClauses } from '../../i18n';
import { serverMessage } from '../../i18n/server-message';
import { dataChanged } from '../../data-events';
import { setImportPreview } from '../../layers/import-preview';
import { h } from '../../panels/dom';
import type { ViewContext, ViewModule } from '../types';
import { datumFromName, isGeoPackage, layerNamesOf, readPreview, type GeoPackageReader, type Preview } from './read-preview';
import './import.css';

interface Chosen {
  file: File;
  bytes: Uint8Array;
  /** GeoJSON / OSM / Shapefile .zip / GeoPackage: read in the browser */
  preview: Preview | null;
  /** Shapefile .zip / GeoPackage: its layers, also when the one previewed could not be read (a picker when several) */
  layers: string[];
  /** CSV / XLSX: the server's preview */
  table: TablePreview | null;
}

let ctx: ViewContext | null = null;
let chosen: Chosen | null = null;
let report: ImportReport | null = null;
let status: { kind: 'info' | 'error'; text: string } | null = null;
let progress: number | null = null;
let layer: ImportLayer | '' = '';
let datum: Datum | '' = '';
/** Shapefile .zip / GeoPackage with several layers: the one to import. */
let sourceLayer = '';
let busy = false;
/** tables: the planner's column choices (role → column name; '' clears a detected role) */
let overrides: Partial<Record<OverridableRole, string>> = {};
let sheet = '';
let previewSeq = 0;
/** The GeoPackage reader with sql.js (./geopackage-preview.ts, a chunk of its own with the wasm), loaded when the first .gpkg is chosen. */
let gpkgReader: GeoPackageReader | null = null;

/** Files the server previews as tables. */
export const isTableFile = (name: string) => /\.(csv|tsv|txt|xlsx|xlsm)$/i.test(name);
/** The roles a column of this layer's table can be given by hand. */
export const rolesFor = (l: ImportLayer | '' | null): OverridableRole[] => (l === 'register' ? [...OVERRIDABLE_ROLES] : ['lon', 'lat']);

const size = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
const errorText = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

/** The rejected features as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese). */
export function rejectsCsv(r: Pick<ImportReport, 'rejections'>): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `\uFEFFfeature,problem\r\n${r.rejections.map((x) => `${q(x.feature)},${q(x.problem)}`).join('\r\n')}\r\n`;
}

function fitTo(fc: Preview['features']): void {
  if (!ctx || !fc?.features.length) return;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    } else if (Array.isArray(c)) for (const d of c) visit(d);
  };
  for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  if (!Number.isFinite(x0) || x0 < -180 || x1 > 180 || y0 < -90 || y1 > 90) return;
  ctx.map.fitBounds(
    [
      [x0, y0],
      [x1, y1],
    ],
    { padding: 60, maxZoom: 16, duration: 0 },
  );
}

async function choose(file: File): Promise<void> {
  report = null;
  status = null;
  if (file.size > IMPORT_MAX_BYTES) {
    chosen = null;
    setImportPreview(null);
    status = { kind: 'error', text: t('import.tooLarge', { size: size(file.size), max: size(IMPORT_MAX_BYTES) }) };
    return render();
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const guessed = datumFromName(file.name);
  if (guessed && !datum) {
    datum = guessed;
    status = { kind: 'info', text: t('import.datum.detected', { datum: t(`import.datum.${guessed}` as MessageKey) }) };
  }
  const c: Chosen = { file, bytes, preview: null, layers: [], table: null };
  chosen = c;
  sourceLayer = '';
  overrides = {};
  sheet = '';
  if (isTableFile(file.name)) {
    render();
    await previewTable();
    return;
  }
  if (isGeoPackage(file.name, bytes) && !gpkgReader) {
    setImportPreview(null);
    render();
    try {
      gpkgReader = await (await import('./geopackage-preview')).loadGeoPackageReader();
    } catch (e) {
      if (chosen !== c) return;
      status = { kind: 'error', text: t('import.preview.failed', { message: `sql.js: ${errorText(e)}` }) };
      return render();
    }
    if (chosen !== c) return; // another file was chosen meanwhile
  }
  previewChosen();
  fitTo(chosen.preview?.features ?? null);
  render();
}

const pointsOf = (t: TablePreview): Preview['features'] => ({
  type: 'FeatureCollection',
  features: t.points.map((c, i) => ({ type: 'Feature', properties: { row: i }, geometry: { type: 'Point', coordinates: c } })),
});

/** Asks the server how it reads the chosen table (with the planner's column choices); draws its points. */
async function previewTable(fit = true): Promise<void> {
  if (!chosen) return;
  const seq = ++previewSeq;
  const c = chosen;
  const hadPoints = (c.table?.withCoordinates ?? 0) > 0;
  try {
    const p = await importsApi.preview(new Blob([c.bytes as BlobPart]), c.file.name, options());
    if (seq !== previewSeq || chosen !== c) return;
    c.table = p;
    const fcoll = pointsOf(p);
    setImportPreview(fcoll);
    if (fit || !hadPoints) fitTo(fcoll); // also when a corrected lon/lat column brings the first points
  } catch (e) {
    if (seq !== previewSeq || chosen !== c) return;
    c.table = null;
    setImportPreview(null);
    status = { kind: 'error', text: t('import.preview.failed', { message: errorText(e) }) };
  }
  render();
}

/** The planner gives column `name` the role `role` ('' = not used): all hand-assignable roles are sent. */
function assignRole(name: string, role: OverridableRole | ''): void {
  const cols = chosen?.table?.columns ?? [];
  const next: Partial<Record<OverridableRole, string>> = {};
  for (const col of cols) if (col.role && (OVERRIDABLE_ROLES as readonly string[]).includes(col.role)) next[col.role as OverridableRole] = col.name;
  for (const r of Object.keys(next) as OverridableRole[]) if (next[r] === name) next[r] = '';
  if (role) next[role] = name;
  overrides = next;
  report = null;
  void previewTable(false);
}

function previewChosen(): void {
  if (!chosen) return setImportPreview(null);
  try {
    chosen.preview = readPreview(chosen.file.name, chosen.bytes, datum || 'wgs84', sourceLayer || undefined, gpkgReader);
    chosen.layers = chosen.preview.layers ?? [];
    if (chosen.preview.layer && chosen.layers.length > 1) sourceLayer = chosen.preview.layer;
    setImportPreview(chosen.preview.features);
  } catch (e) {
    chosen.preview = null;
    // the layer that failed may be one of several: the others stay pickable
    chosen.layers = layerNamesOf(chosen.file.name, chosen.bytes, gpkgReader);
    if (chosen.layers.length > 1 && !sourceLayer) sourceLayer = chosen.layers[0];
    setImportPreview(null);
    status = { kind: 'error', text: t('import.preview.failed', { message: errorText(e) }) };
  }
}

const options = () => ({
  ...(layer ? { layer } : {}),
  ...(datum ? { datum } : {}),
  ...(sourceLayer ? { sourceLayer } : {}),
  ...(Object.keys(overrides).length ? { columns: overrides } : {}),
  ...(sheet ? { sheet } : {}),
});

/**
 * The layer picker of a Shapefile .zip or GeoPackage with several layers (a select); a GeoPackage
 * whose tables could not be listed (sql.js failed to load, a damaged file) gets a text field.
 */
function sourceLayerControl(c: Chosen | null): HTMLElement | null {
  if (!c) return null;
  if (c.layers.length > 1) {
    const sel = h('select', { 'data-testid': 'import-source-layer' }, ...c.layers.map((l) => h('option', { value: l, selected: sourceLayer === l }, l)));
    sel.addEventListener('change', () => {
      sourceLayer = sel.value;
      report = null;
      status = null;
      previewChosen();
      fitTo(chosen?.preview?.features ?? null);
      render();
    });
    return h('label', {}, t('import.sourceLayer'), ' ', sel);
  }
  if (!c.preview && !c.layers.length && isGeoPackage(c.file.name, c.bytes)) {
    const input = h('input', { type: 'text', value: sourceLayer, placeholder: t('import.sourceLayer.placeholder'), 'data-testid': 'import-source-layer' });
    input.addEventListener('change', () => ((sourceLayer = input.value.trim()), (report = null)));
    return h('label', {}, t('import.sourceLayer'), ' ', input);
  }
  return null;
}

async function check(): Promise<void> {
  if (!chosen || busy) return;
  busy = true;
  status = { kind: 'info', text: t('import.checking') };
  report = null;
  render();
  try {
    report = await importsApi.check(new Blob([chosen.bytes as BlobPart]), chosen.file.name, options());
    status = null;
  } catch (e) {
    status = { kind: 'error', text: t('import.failed', { message: errorText(e) }) };
  }
  busy = false;
  render();
  showReport();
}

async function start(): Promise<void> {
  if (!chosen || busy || !ctx) return;
  busy = true;
  report = null;
  progress = 0;
  status = { kind: 'info', text: t('import.running', { pct: 0, message: '' }) };
  render();
  try {
    const accepted = await importsApi.start(new Blob([chosen.bytes as BlobPart]), chosen.file.name, options());
    const job = await new Promise<JobInfo>((resolve) => {
      const es = new EventSource(ctx!.api.plans.jobEventsUrl(accepted.jobId));
      const finish = (j: JobInfo) => (es.close(), resolve(j));
      es.onmessage = (ev) => {
        const j = JSON.parse(ev.data as string) as JobInfo;
        if (j.status === 'succeeded' || j.status === 'failed') return finish(j);
        progress = j.progress;
        status = { kind: 'info', text: t('import.running', { pct: Math.round(j.progress * 100), message: serverMessage(j.message ?? '', getLang()) }) };
        render();
      };
      es.onerror = () =>
        void ctx!.api.plans.job(accepted.jobId).then(
          (j) => (j.status === 'succeeded' || j.status === 'failed' ? finish(j) : undefined),
          () => undefined,
        );
    });
    if (job.status === 'succeeded') {
      report = job.result as unknown as ImportReport;
      status = { kind: 'info', text: t('import.next') };
      setImportPreview(null);
      // the rest of the app reads the new data again (extent, tiles, district name, sub-districts)
      dataChanged({ layer: layer || null });
    } else status = { kind: 'error', text: t('import.failed', { message: serverMessage(job.message ?? '', getLang()) }) };
  } catch (e) {
    status = { kind: 'error', text: t('import.failed', { message: errorText(e) }) };
  }
  busy = false;
  progress = null;
  render();
  showReport();
}

function reportBox(r: ImportReport): HTMLElement {
  const title = r.dryRun ? t('import.report.dry') : t('import.report.done');
  const rej = r.rejections ?? [];
  const shown = rej.slice(0, 100);
  const reg = r.layers?.register;
  const unattached = reg?.unattached ?? r.layers?.buildings?.unattached ?? 0;
  const url = rej.length ? URL.createObjectURL(new Blob([rejectsCsv(r)], { type: 'text/csv;charset=utf-8' })) : null;
  return h(
    'div',
    { class: 'import-report', 'data-testid': 'import-report' },
    h(
      'p',
      { 'data-testid': 'import-report-summary' },
      t('import.report', {
        title,
        read: r.read,
        imported: r.imported,
        repaired: r.repaired,
        rejected: r.rejected,
        skipped: r.skipped,
        format: r.format,
        encoding: r.encoding,
        datum: r.datum,
      }),
    ),
    reg ? h('p', { 'data-testid': 'import-report-register' }, t('import.report.register', { matched: reg.matched ?? 0, replaced: reg.replaced ?? 0 })) : null,
    unattached > 0 ? h('p', { 'data-testid': 'import-report-unattached' }, t('import.report.unattached', { n: unattached })) : null,
    reg?.without_buildings
      ? h('p', { class: 'muted', 'data-testid': 'import-report-without-buildings' }, t('import.report.withoutBuildings', { n: reg.without_buildings }))
      : null,
    r.warnings?.length ? h('details', { open: true }, h('summary', {}, t('import.warnings')), h('ul', {}, ...r.warnings.map((w) => h('li', {}, w)))) : null,
    rej.length
      ? h(
          'details',
          { open: true },
          h('summary', {}, t('import.rejections', { n: shown.length, total: r.rejected })),
          h(
            'table',
            { class: 'import-table', 'data-testid': 'import-rejections' },
            h('tr', {}, h('th', {}, t('import.rej.feature')), h('th', {}, t('import.rej.problem'))),
            ...shown.map((x) => h('tr', {}, h('td', {}, x.feature), h('td', {}, serverMessage(x.problem, getLang())))),
          ),
          h(
            'a',
            { href: url!, download: `${r.file.replace(/\.[^.]+$/, '')}-rejects.csv`, class: 'plan-btn', 'data-testid': 'import-rejects-csv' },
            t('import.rejectsCsv'),
          ),
        )
      : null,
  );
}

/** The table's sheet, header and columns, each with the role it serves; hand-assignable roles in a select. */
function tableBox(tp: TablePreview): HTMLElement {
  const effective = layer || tp.layer;
  const offered = rolesFor(effective);
  const n = tp.withCoordinates;
  const summary =
    effective === 'register'
      ? t('import.preview.register', { rows: tp.rows, points: n, address: tp.withoutCoordinates })
      : t('import.preview', { n, types: n ? `Point ${n}` : '' });
  let sheetEl: HTMLElement | null = null;
  if (tp.sheets && tp.sheets.length > 1) {
    const sel = h('select', { 'data-testid': 'import-sheet' }, ...tp.sheets.map((s) => h('option', { value: s, selected: s === tp.sheet }, s)));
    sel.addEventListener('change', () => ((sheet = sel.value), (overrides = {}), (report = null), void previewTable()));
    sheetEl = h('label', {}, t('import.sheet'), ' ', sel);
  }
  const roleCell = (col: TablePreview['columns'][number]) => {
    if (col.role && !(offered as string[]).includes(col.role)) return h('td', { 'data-role': col.role }, t(`import.role.${col.role}` as MessageKey));
    const sel = h(
      'select',
      { 'data-testid': 'import-role', 'data-column': col.name },
      h('option', { value: '' }, t('import.role.other')),
      ...offered.map((r) => h('option', { value: r, selected: col.role === r }, t(`import.role.${r}` as MessageKey))),
    );
    sel.addEventListener('change', () => assignRole(col.name, sel.value as OverridableRole | ''));
    return h('td', { 'data-role': col.role ?? 'other' }, sel);
  };
  return h(
    'div',
    { class: 'import-table-preview' },
    h('p', { 'data-testid': 'import-preview' }, summary),
    h(
      'p',
      { class: 'muted', 'data-testid': 'import-header' },
      tp.sheet ? t('import.header.sheet', { sheet: tp.sheet, ref: tp.headerRef }) : t('import.header', { ref: tp.headerRef }),
      sheetEl ? ' ' : null,
      sheetEl,
    ),
    h(
      'details',
      { open: true },
      h('summary', {}, t('import.fields')),
      h(
        'table',
        { class: 'import-table', 'data-testid': 'import-fields' },
        h('tr', {}, h('th', {}, t('import.field.col')), h('th', {}, t('import.field.role')), h('th', {}, t('import.field.sample'))),
        ...tp.columns.slice(0, 60).map((col) => h('tr', {}, h('td', {}, col.name), roleCell(col), h('td', {}, col.sample.slice(0, 40)))),
      ),
    ),
  );
}

/** Brings the report into the panel's view once it is there. */
function showReport(): void {
  ctx?.panel.querySelector('[data-testid="import-report"]')?.scrollIntoView({ block: 'nearest' });
}

function render(): void {
  const c = ctx;
  if (!c) return;
  const input = h('input', {
    type: 'file',
    accept: '.geojson,.json,.csv,.txt,.tsv,.xlsx,.xlsm,.osm,.xml,.zip,.gpkg',
    class: 'import-file',
    'data-testid': 'import-file',
  });
  input.addEventListener('change', () => input.files?.[0] && void choose(input.files[0]));
  const drop = h('label', { class: 'import-drop', 'data-testid': 'import-drop' }, t('import.drop'), input);
  drop.addEventListener('dragover', (e) => (e.preventDefault(), drop.classList.add('over')));
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) void choose(f);
  });
  const layerSel = h(
    'select',
    { 'data-testid': 'import-layer' },
    h('option', { value: '' }, t('import.layer.auto')),
    ...IMPORT_LAYERS.map((l) => h('option', { value: l, selected: layer === l }, t(`import.layer.${l}` as MessageKey))),
  );
  layerSel.addEventListener('change', () => {
    layer = layerSel.value as ImportLayer | '';
    report = null;
    if (chosen?.table) void previewTable(false);
    render();
  });
  const datumSel = h(
    'select',
    { 'data-testid': 'import-datum' },
    h('option', { value: '' }, t('import.datum.auto')),
    ...DATUMS.map((d) => h('option', { value: d, selected: datum === d }, t(`import.datum.${d}` as MessageKey))),
  );
  datumSel.addEventListener('change', () => {
    datum = datumSel.value as Datum | '';
    report = null;
    if (chosen && isTableFile(chosen.file.name)) void previewTable(false);
    else previewChosen();
    render();
  });
  const p = chosen?.preview;
  const types = p ? joinList(Object.entries(p.types).map(([k, n]) => `${k} ${n}`)) : '';
  const checkBtn = h('button', { type: 'button', class: 'plan-btn', 'data-testid': 'import-check', disabled: !chosen || busy }, t('import.check'));
  checkBtn.addEventListener('click', () => void check());
  const startBtn = h('button', { type: 'button', class: 'plan-btn primary', 'data-testid': 'import-start', disabled: !chosen || busy }, t('import.start'));
  startBtn.addEventListener('click', () => void start());
  c.panel.replaceChildren(
    h(
      'div',
      { class: 'import-view', 'data-testid': 'import-view' },
      h('h2', { class: 'panel-title' }, t('view.import')),
      h('p', { class: 'muted' }, t('import.hint')),
      drop,
      h(
        'div',
        { class: 'plan-row wrap' },
        h('label', {}, t('import.layer'), ' ', layerSel),
        h('label', {}, t('import.datum'), ' ', datumSel),
        sourceLayerControl(chosen),
      ),
      chosen ? h('p', { 'data-testid': 'import-file-info' }, t('import.file', { name: chosen.file.name, size: size(chosen.file.size) })) : null,
      chosen && p
        ? h('p', { 'data-testid': 'import-preview' }, p.features ? t('import.preview', { n: p.features.features.length, types }) : t('import.preview.none'))
        : null,
      chosen?.table ? tableBox(chosen.table) : null,
      p?.fields.length
        ? h(
            'details',
            { open: true },
            h('summary', {}, t('import.fields')),
            h(
              'table',
              { class: 'import-table', 'data-testid': 'import-fields' },
              h('tr', {}, h('th', {}, t('import.field.col')), h('th', {}, t('import.field.role')), h('th', {}, t('import.field.sample'))),
              ...p.fields
                .slice(0, 40)
                .map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, t(`import.role.${f.role}` as MessageKey)), h('td', {}, f.sample.slice(0, 40)))),
            ),
          )
        : null,
      p?.warnings?.length ? h('p', { class: 'muted', 'data-testid': 'import-preview-warnings' }, joinClauses(p.warnings)) : null,
      h('div', { class: 'plan-row' }, checkBtn, startBtn),
      progress !== null
        ? h('div', { class: 'import-progress', 'data-testid': 'import-progress' }, h('div', { class: 'fill', style: `width:${Math.round(progress * 100)}%` }))
        : null,
      status ? h('p', { class: `import-status ${status.kind}`, 'data-testid': 'import-status' }, status.text) : null,
      report ? reportBox(report) : null,
    ),
  );
}

export const importView: ViewModule = {
  id: 'import',
  roles: ['admin', 'planner'],
  labelKey: 'view.import',
  order: 8,
  layers: ['import-preview'],
  activate(c) {
    ctx = c;
    render();
  },
  deactivate() {
    setImportPreview(null);
    ctx = null;
  },
  setLang() {
    render();
  },
};
