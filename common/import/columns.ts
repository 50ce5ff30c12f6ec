/**
 * Column detection for tabular imports (CSV and XLSX): which row is the header, and which column
 * holds the longitude, latitude, households, building number, compound, address … by the header's
 * Chinese or English name. The planner can override any role by naming the column. Pure, no DOM or
 * Node: the server's table reader (server/import/) and the client's import preview
 * (client/src/views/import/read-preview.ts) read columns by these same rules.
 */

export type ColumnRole = 'lon' | 'lat' | 'households' | 'party' | 'building' | 'compound' | 'address' | 'id' | 'name' | 'type' | 'time';
export const COLUMN_ROLES: readonly ColumnRole[] = ['lon', 'lat', 'households', 'party', 'building', 'compound', 'address', 'id', 'name', 'type', 'time'];
/** Roles a planner may assign to a column by hand (the others are read by the layer's own rules). */
export const OVERRIDABLE_ROLES = ['lon', 'lat', 'households', 'party', 'building', 'compound', 'address'] as const satisfies readonly ColumnRole[];
export type OverridableRole = (typeof OVERRIDABLE_ROLES)[number];

/** Header names per role, normalised (see headerKey); order is priority. */
const NAMES: Record<ColumnRole, string[]> = {
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度', '东经', 'x坐标', '坐标x', 'gps经度'],
  lat: ['lat', 'latitude', 'y', '纬度', '北纬', 'y坐标', '坐标y', 'gps纬度'],
  households: ['households', 'household', 'hh', 'households_count', '户数', '住户数', '总户数', '居民户数', '住户'],
  party: ['party_households', 'partyhouseholds', 'party', '党员户数', '党员户', '党员家庭户数'],
  building: [
    'building',
    'building_no',
    'buildingno',
    'building_number',
    'building_id',
    'building_ref',
    'bldg',
    '楼栋编号',
    '楼栋号',
    '楼栋',
    '楼号',
    '栋号',
    '幢号',
    '楼幢号',
    '楼幢',
    '楼栋名称',
    'label',
  ],
  compound: ['compound', 'compound_name', 'estate', 'residential_area', '小区', '小区名称', '小区名', '所属小区', '院落'],
  address: ['address', 'addr', '地址', '住址', '详细地址', '门牌地址', '门牌', '家庭住址'],
  id: ['id', 'fid', '编号'],
  name: ['name', '名称', '店名', '商铺名称', 'title'],
  type: ['type', 'category', 'class', 'kind', '类型', '类别', '事件类型'],
  time: ['occurred_at', 'time', 'date', 'datetime', 'timestamp', '时间', '日期', '发生时间'],
};

/** A header as compared: NFKC, no spaces, lower case, a unit in brackets dropped ("户数（户）" → "户数"). */
export function headerKey(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\((户|个|栋|层|度|°|deg)\)$/i, '')
    .toLowerCase();
}

/** The role a header names, or null. */
export function roleOfHeader(h: string): ColumnRole | null {
  const k = headerKey(h);
  if (!k) return null;
  for (const role of COLUMN_ROLES) if (NAMES[role].includes(k)) return role;
  return null;
}

/**
 * The header row among the first `scan` rows: the one naming most roles (title rows, merged
 * banners and blank rows above the header are passed over); the first non-empty row when none names any.
 */
export function findHeaderRow(rows: string[][], scan = 20): number {
  let best = -1;
  let bestN = 0;
  let firstNonEmpty = -1;
  for (let i = 0; i < Math.min(rows.length, scan); i++) {
    const cells = rows[i];
    if (!cells.some((c) => c.trim() !== '')) continue;
    if (firstNonEmpty < 0) firstNonEmpty = i;
    const n = new Set(cells.map(roleOfHeader).filter((r) => r !== null)).size;
    if (n > bestN) {
      best = i;
      bestN = n;
    }
  }
  return best >= 0 ? best : Math.max(0, firstNonEmpty);
}

export type ColumnMap = Partial<Record<ColumnRole, number>>;
export type ColumnOverrides = Partial<Record<ColumnRole, string>>;

/**
 * Column index per role: detected by header name, then the planner's overrides (a role → a header
 * name; an empty name clears the role). A column taken by an override loses its detected role.
 * Throws with a plain message when an override names no column.
 */
export function detectColumns(headers: string[], overrides: ColumnOverrides = {}): ColumnMap {
  const map: ColumnMap = {};
  headers.forEach((h, i) => {
    const role = roleOfHeader(h);
    if (role && map[role] === undefined) map[role] = i;
  });
  for (const [role, name] of Object.entries(overrides) as Array<[ColumnRole, string]>) {
    if (!name) {
      delete map[role];
      continue;
    }
    const i = headers.findIndex((h) => h.trim() === name.trim());
    if (i < 0) throw new Error(`没有名为“${name}”的列 (no column named '${name}'; columns: ${headers.join(', ')})`);
    for (const r of Object.keys(map) as ColumnRole[]) if (map[r] === i) delete map[r];
    map[role] = i;
  }
  return map;
}

/** The role of each column index under a map (null: not used). */
export function rolesByColumn(headers: string[], map: ColumnMap): Array<ColumnRole | null> {
  const out: Array<ColumnRole | null> = headers.map(() => null);
  for (const [role, i] of Object.entries(map) as Array<[ColumnRole, number]>) out[i] = role;
  return out;
}

/** A planner's overrides as sent (JSON object role → column name); throws with a plain message. */
export function parseOverrides(json: string | undefined): ColumnOverrides {
  if (!json) return {};
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error('columns 应为 JSON 对象，如 {"lon":"经度","households":"户数"} (columns must be a JSON object, e.g. {"lon":"lng","households":"hh"})');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error('columns 应为 JSON 对象，如 {"lon":"经度","households":"户数"} (columns must be a JSON object, e.g. {"lon":"lng","households":"hh"})');
  const out: ColumnOverrides = {};
  for (const [k, name] of Object.entries(v)) {
    if (!(OVERRIDABLE_ROLES as readonly string[]).includes(k))
      throw new Error(
        `columns 中的用途 ${k.slice(0, 40)} 无效，可用：${OVERRIDABLE_ROLES.join('、')} (the role ${k.slice(0, 40)} in columns is not valid; available: ${OVERRIDABLE_ROLES.join(', ')})`,
      );
    if (typeof name !== 'string' || name.length > 200) throw new Error(`columns.${k} 应为列名 (columns.${k} must be a column name)`);
    out[k as ColumnRole] = name;
  }
  return out;
}
