/** The generated demo district: one GeoJSON FeatureCollection per table of 001_core.sql. */
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';

export interface SubdistrictProps {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: 'street' | 'township';
  urban: boolean;
  households: number;
  synthetic: true;
}
export interface CommunityProps {
  id: string;
  subdistrict_id: string;
  code: string;
  name: string;
  households: number;
  synthetic: true;
}
export interface StreetProps {
  id: string;
  name: string;
  class: 'arterial' | 'secondary' | 'local' | 'lane' | 'path' | 'rail';
  oneway: boolean;
  source: 'demo';
  synthetic: true;
}
export interface WaterProps {
  id: string;
  name: string;
  kind: 'river' | 'lake' | 'canal';
  synthetic: true;
}
export interface BlockProps {
  id: string;
  subdistrict_id: string;
  community_id: string;
  synthetic: true;
}
export interface CompoundProps {
  id: string;
  name: string;
  kind: 'compound' | 'old_town' | 'school' | 'park' | 'commercial' | 'public';
  subdistrict_id: string;
  community_id: string;
  households: number;
  synthetic: true;
}
export interface BuildingProps {
  id: string;
  compound_id: string | null;
  block_id: string;
  subdistrict_id: string;
  community_id: string;
  use: 'residential' | 'mixed' | 'commercial' | 'school' | 'public';
  floors: number;
  households: number;
  height_m: number;
  source: 'demo';
  synthetic: true;
}
export interface UnitProps {
  id: string;
  subdistrict_id: string;
  community_id: string;
  compound_id: string | null;
  block_id: string;
  households: number;
  buildings: number;
  party_households: number;
  plaqued_households: number;
  synthetic: true;
}
export interface ShopProps {
  id: string;
  name: string;
  category: string;
  phone: string;
  building_id: string;
  street_id: string;
  subdistrict_id: string;
  community_id: string;
  synthetic: true;
}
export interface HouseholdProps {
  id: string;
  building_id: string;
  unit_id: string;
  head_name: string;
  phone: string;
  party_member: boolean;
  plaqued: boolean;
  credit_rating: 'A' | '2A' | '3A' | null;
  synthetic: true;
}
export type IncidentType = 'public_order' | 'fire_risk' | 'dispute' | 'environment' | 'facilities' | 'other';
export interface IncidentProps {
  id: string;
  type: IncidentType;
  occurred_at: string;
  source: string;
  subdistrict_id: string;
  grid_code: string | null;
  synthetic: true;
}
export interface CaseEvent {
  status: string;
  at: string;
  actor: string;
  note: string | null;
}
export interface CaseProps {
  id: string;
  title: string;
  incident_id: string;
  whistled: boolean;
  kind: 'quick' | 'emergency' | 'tackle_hard' | null;
  department: string | null;
  status: string;
  subdistrict_id: string;
  grid_code: string | null;
  reported_at: string;
  updated_at: string;
  version: number;
  synthetic: true;
  events: CaseEvent[];
}

export interface PlantedHotspot {
  name: string;
  type: IncidentType;
  center: [number, number]; // WGS84 lon, lat
  radius_m: number;
  from: string;
  to: string;
  count: number;
  note: string;
}

export interface DemoDistrict {
  seed: number;
  subdistricts: FeatureCollection<MultiPolygon, SubdistrictProps>;
  communities: FeatureCollection<MultiPolygon, CommunityProps>;
  streets: FeatureCollection<LineString, StreetProps>;
  water: FeatureCollection<MultiPolygon, WaterProps>;
  blocks: FeatureCollection<Polygon, BlockProps>;
  compounds: FeatureCollection<Polygon, CompoundProps>;
  buildings: FeatureCollection<Polygon, BuildingProps>;
  units: FeatureCollection<MultiPolygon, UnitProps>;
  shops: FeatureCollection<Point, ShopProps>;
  households: FeatureCollection<Point, HouseholdProps>;
  incidents: FeatureCollection<Point, IncidentProps>;
  cases: FeatureCollection<Point, CaseProps>;
  meta: { seed: number; hotspots: PlantedHotspot[]; case_deadline_days: Record<'quick' | 'emergency' | 'tackle_hard', number> };
}

export const LAYERS = [
  'subdistricts',
  'communities',
  'streets',
  'water',
  'blocks',
  'compounds',
  'buildings',
  'units',
  'shops',
  'households',
  'incidents',
  'cases',
] as const;
export type LayerName = (typeof LAYERS)[number];

export type AnyFeature = Feature;
