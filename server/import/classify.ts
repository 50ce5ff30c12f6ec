/**
 * Maps OSM tags and Tilezen kind/kind_detail to our classes. Pure.
 * Street classes (streets.class): arterial | secondary | local | lane | path | rail.
 */
export type StreetClass = 'arterial' | 'secondary' | 'local' | 'lane' | 'path' | 'rail';

/** A street class, or why the line is not a street. */
export type StreetClassResult = { class: StreetClass } | { skip: string };

const HIGHWAY: Record<string, StreetClass> = {
  motorway: 'arterial',
  trunk: 'arterial',
  primary: 'arterial',
  motorway_link: 'arterial',
  trunk_link: 'arterial',
  primary_link: 'arterial',
  secondary: 'secondary',
  tertiary: 'secondary',
  secondary_link: 'secondary',
  tertiary_link: 'secondary',
  residential: 'local',
  unclassified: 'local',
  service: 'local',
  living_street: 'local',
  road: 'local',
  // 步行街 and alleys are lanes; the rest of the walking network is path
  pedestrian: 'lane',
  track: 'lane',
  alley: 'lane',
  footway: 'path',
  path: 'path',
  steps: 'path',
  cycleway: 'path',
  bridleway: 'path',
  corridor: 'path',
  pier: 'path',
};

/** Rail that acts as a barrier on the surface; subways and funiculars are not streets. */
const RAIL: Record<string, StreetClass | undefined> = {
  rail: 'rail',
  light_rail: 'rail',
  tram: 'rail',
  narrow_gauge: 'rail',
};

/** Fallback by Tilezen kind when kind_detail is missing or unknown. */
const TILEZEN_KIND: Record<string, StreetClass> = {
  highway: 'arterial',
  major_road: 'secondary',
  minor_road: 'local',
  path: 'path',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Street class from OSM tags (highway, service, railway) or Tilezen properties (kind, kind_detail).
 */
export function classifyStreet(props: Record<string, unknown>): StreetClassResult {
  const highway = str(props.highway);
  const railway = str(props.railway);
  const kind = str(props.kind);
  const detail = str(props.kind_detail);
  if (highway) {
    if (highway === 'service' && str(props.service) === 'alley') return { class: 'lane' };
    const c = HIGHWAY[highway];
    return c ? { class: c } : { skip: `highway=${highway}` };
  }
  if (railway) {
    const c = RAIL[railway];
    return c ? { class: c } : { skip: `railway=${railway}` };
  }
  if (kind === 'rail') {
    const c = detail ? RAIL[detail] : undefined;
    if (!c || props.is_tunnel === true) return { skip: `rail/${detail ?? ''}` };
    return { class: c };
  }
  if (kind && TILEZEN_KIND[kind]) {
    if (detail === 'service' && str(props.service) === 'alley') return { class: 'lane' };
    const c = detail ? HIGHWAY[detail] : undefined;
    return { class: c ?? TILEZEN_KIND[kind] };
  }
  const cls = str(props.class);
  if (cls && ['arterial', 'secondary', 'local', 'lane', 'path', 'rail'].includes(cls)) return { class: cls as StreetClass };
  if (kind) return { skip: `kind=${kind}${detail ? '/' + detail : ''}` };
  // A plain line file with no class information: an ordinary local street.
  return { class: 'local' };
}

/** oneway=yes|true|1 → 1, oneway=-1|reverse → -1 (geometry must be reversed), else 0. */
export function onewayOf(props: Record<string, unknown>): -1 | 0 | 1 {
  const v = props.oneway;
  if (v === true || v === 1 || v === 'yes' || v === 'true' || v === '1') return 1;
  if (v === -1 || v === '-1' || v === 'reverse') return -1;
  return 0;
}

export type BuildingUse = 'residential' | 'mixed' | 'commercial' | 'school' | 'public';

const USE: Record<string, BuildingUse> = {
  residential: 'residential',
  apartments: 'residential',
  house: 'residential',
  detached: 'residential',
  dormitory: 'residential',
  terrace: 'residential',
  semidetached_house: 'residential',
  commercial: 'commercial',
  retail: 'commercial',
  office: 'commercial',
  mall: 'commercial',
  shop: 'commercial',
  hotel: 'commercial',
  supermarket: 'commercial',
  industrial: 'commercial',
  warehouse: 'commercial',
  school: 'school',
  university: 'school',
  college: 'school',
  kindergarten: 'school',
  public: 'public',
  civic: 'public',
  government: 'public',
  hospital: 'public',
  train_station: 'public',
  transportation: 'public',
  church: 'public',
  temple: 'public',
  place_of_worship: 'public',
  museum: 'public',
  embassy: 'public',
  arts_centre: 'public',
};

/** Building use from building=* or Tilezen kind_detail; unknown (building=yes) → residential (schema default). */
export function buildingUse(props: Record<string, unknown>): BuildingUse {
  const t = str(props.building) ?? str(props.kind_detail) ?? str(props.use);
  return (t ? USE[t] : undefined) ?? 'residential';
}

/** Floors from building:levels / levels / floors / 层数, else from height (3 m a floor), else 1. */
export function buildingFloors(props: Record<string, unknown>, heightM: number | null): number {
  for (const k of ['building:levels', 'levels', 'floors', '层数']) {
    const n = Number(props[k]);
    if (Number.isFinite(n) && n >= 1) return Math.round(n);
  }
  if (heightM !== null && heightM > 0) return Math.max(1, Math.round(heightM / 3));
  return 1;
}

/** Height in metres from height / building:height ("12 m" allowed), else null. */
export function buildingHeight(props: Record<string, unknown>): number | null {
  for (const k of ['height', 'building:height', 'height_m']) {
    const v = props[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' ? parseFloat(v) : NaN;
    if (Number.isFinite(n) && n > 0 && n < 1000) return n;
  }
  return null;
}

/** POI kinds that are shops (商铺) for ten-shop joint defense: businesses with a shopfront. */
const SHOP_KINDS = new Set([
  'shop',
  'convenience',
  'supermarket',
  'mall',
  'department_store',
  'marketplace',
  'kiosk',
  'restaurant',
  'cafe',
  'fast_food',
  'pub',
  'bar',
  'food_court',
  'ice_cream',
  'bakery',
  'butcher',
  'greengrocer',
  'hotel',
  'hostel',
  'guest_house',
  'motel',
  'bank',
  'pharmacy',
  'chemist',
  'clothes',
  'shoes',
  'books',
  'computer',
  'electronics',
  'mobile_phone',
  'hairdresser',
  'beauty',
  'jewelry',
  'optician',
  'laundry',
  'dry_cleaning',
  'hardware',
  'doityourself',
  'furniture',
  'gift',
  'toys',
  'sports',
  'bicycle_shop',
  'car_repair',
  'cinema',
  'theatre',
  'travel_agency',
  'florist',
  'stationery',
  'tea',
  'alcohol',
  'beverages',
  'massage',
  'dentist',
  'clinic',
]);

export function isShopLike(kind: unknown): boolean {
  return typeof kind === 'string' && SHOP_KINDS.has(kind);
}

/**
 * Whether a point of interest is a shop. Features that say what they are (OSM shop/amenity/tourism
 * tags, Tilezen kind) must be shop-like; features that carry no kind at all (a plain CSV of shops)
 * are taken as shops.
 */
export function shopCategory(props: Record<string, unknown>): { category: string | null } | { skip: string } {
  if (str(props.shop)) return { category: str(props.shop)! };
  for (const k of ['amenity', 'tourism', 'kind']) {
    const v = str(props[k]);
    if (v) return isShopLike(v) ? { category: v } : { skip: `${k}=${v}` };
  }
  return { category: str(props.category) ?? str(props.类别) ?? str(props.type) ?? null };
}

export type IncidentType = 'public_order' | 'fire_risk' | 'dispute' | 'environment' | 'facilities' | 'other';
const INCIDENT_TYPES = new Set<IncidentType>(['public_order', 'fire_risk', 'dispute', 'environment', 'facilities', 'other']);
const INCIDENT_WORDS: Array<[RegExp, IncidentType]> = [
  [/治安|盗|抢|打架|斗殴|诈骗|public.?order|theft/i, 'public_order'],
  [/消防|火|燃气|fire/i, 'fire_risk'],
  [/纠纷|矛盾|争执|dispute/i, 'dispute'],
  [/环境|卫生|垃圾|噪音|污染|environment|noise|garbage/i, 'environment'],
  [/设施|路灯|井盖|道路|管道|facilit/i, 'facilities'],
];

/** Incident type from a type/类型 value: our codes pass through, Chinese or English words are matched, else other. */
export function incidentType(raw: unknown): IncidentType {
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (INCIDENT_TYPES.has(s as IncidentType)) return s as IncidentType;
  for (const [re, t] of INCIDENT_WORDS) if (re.test(s)) return t;
  return 'other';
}

/** A display name: name, then name:zh, then name:en. */
export function nameOf(props: Record<string, unknown>): string | null {
  return str(props.name) ?? str(props['name:zh']) ?? str(props['name:en']) ?? str(props.名称) ?? null;
}

/** Tilezen label points (label_placement), address and entrance points: not features of their own. */
export function isAuxiliaryPoint(geometryType: string, props: Record<string, unknown>): boolean {
  if (geometryType !== 'Point' && geometryType !== 'MultiPoint') return false;
  return props.label_placement === true || props.kind === 'address' || props.kind === 'entrance';
}
