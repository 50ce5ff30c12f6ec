import { basename } from 'node:path';
import { isWaterArea } from '../algorithms/units';
import type { Layer, RawFeature } from '../../common/gis-files/feature-types';

const NAME_HINTS: Array<[RegExp, Layer]> = [
  [/register|household|住户|户籍|登记|户数/i, 'register'],
  [/water|river|lake|hydro|水系|水域|河流|湖泊/i, 'water'],
  [/road|street|highway|街路|道路/i, 'streets'],
  [/building|建筑|楼/i, 'buildings'],
  [/poi|shop|store|商铺|店/i, 'shops'],
  [/incident|event|事件|案件/i, 'incidents'],
  [/boundar|subdistrict|communit|district|街道|社区|边界/i, 'boundaries'],
];

const TIME_KEYS = ['occurred_at', 'time', 'date', 'datetime', 'timestamp', '时间', '日期', '发生时间'];

/** The layer a file name suggests, or null. */
export function layerFromName(file: string): Layer | null {
  const name = basename(file);
  for (const [re, layer] of NAME_HINTS) if (re.test(name)) return layer;
  return null;
}

/** The layer a file is for, from its name or else from its features; null when it cannot tell. */
export function inferLayer(file: string, features: RawFeature[]): Layer | null {
  const byName = layerFromName(file);
  if (byName) return byName;
  const types = new Set(features.map((f) => f.geometry.type));
  const only = (...ts: string[]) => [...types].every((t) => ts.includes(t));
  if (types.size === 0) return null;
  if (only('LineString', 'MultiLineString')) return 'streets';
  const props = features[0].properties;
  if (only('Point', 'MultiPoint')) return TIME_KEYS.some((k) => props[k] !== undefined) ? 'incidents' : 'shops';
  if (only('Polygon', 'MultiPolygon')) {
    if (features.every((f) => isWaterArea(f.properties))) return 'water';
    return props.adcode !== undefined || props.level !== undefined || props.subdistrict_id !== undefined ? 'boundaries' : 'buildings';
  }
  return null;
}

export { TIME_KEYS };
