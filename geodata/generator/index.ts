/**
 * generateDemo: a deterministic, seeded, clearly labelled SYNTHETIC city inside Yingjiang's real
 * outline. Pure (no I/O); the same seed gives byte-for-byte the same output.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { buildCity, type City } from './city';
import { planHouseholds } from './households';
import { iso8, planIncidents } from './incidents';
import { planCases, DEADLINE_DAYS } from './cases';
import { makeRng } from '../../common/rng';
import { toLonLat, type XY } from './proj';
import type { MPoly, Poly } from './clip';
import { personName, landline, mobile, SHOP_CATEGORIES } from './names';
import type { DemoDistrict } from './types';

export type { DemoDistrict } from './types';
export { LAYERS } from './types';

export const DEFAULT_SEED = 20230501;

const ring = (r: XY[]) => r.map(toLonLat);
const poly = (p: Poly) => p.map(ring);
const mpoly = (m: MPoly) => m.map(poly);

function fc<P, G extends Geometry>(features: Array<Feature<G, P>>): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features };
}
const feat = <G extends Geometry, P>(geometry: G, properties: P): Feature<G, P> => ({ type: 'Feature', properties, geometry });

export function generateDemo({ seed = DEFAULT_SEED }: { seed?: number } = {}): DemoDistrict {
  const rng = makeRng(seed);
  const city: City = buildCity(rng.fork('city'), seed);
  const hh = planHouseholds(rng, city.buildings);
  const { rows: incidents, hotspots } = planIncidents(rng, city);
  const cases = planCases(rng, incidents);
  const sr = rng.fork('shops');
  const catW = SHOP_CATEGORIES.map((c) => c.weight);
  const commOf = (b: { communityId: string }) => b.communityId;

  return {
    seed,
    subdistricts: fc(
      city.subdistricts.map((s) =>
        feat(
          { type: 'MultiPolygon', coordinates: mpoly(s.geom) },
          {
            id: s.id,
            code: s.code,
            name: s.name,
            name_en: s.def!.name_en,
            kind: s.def!.kind,
            urban: s.def!.urban,
            households: s.households,
            synthetic: true as const,
          },
        ),
      ),
    ),
    communities: fc(
      city.communities.map((c) =>
        feat(
          { type: 'MultiPolygon', coordinates: mpoly(c.geom) },
          {
            id: c.id,
            subdistrict_id: c.sd.id,
            code: c.code,
            name: c.name,
            households: c.households,
            synthetic: true as const,
          },
        ),
      ),
    ),
    streets: fc(
      city.streets.pieces.map((p) =>
        feat(
          { type: 'LineString', coordinates: p.coords.map(toLonLat) },
          {
            id: p.id,
            name: p.name,
            class: p.cls,
            oneway: false,
            source: 'demo' as const,
            synthetic: true as const,
          },
        ),
      ),
    ),
    water: fc(
      city.frame.water.map((w) =>
        feat({ type: 'MultiPolygon', coordinates: mpoly(w.geom) }, { id: w.id, name: w.name, kind: w.kind, synthetic: true as const }),
      ),
    ),
    blocks: fc(
      city.blocks.map((b) =>
        feat({ type: 'Polygon', coordinates: poly(b.geom!) }, { id: b.id, subdistrict_id: b.sd.id, community_id: commOf(b), synthetic: true as const }),
      ),
    ),
    compounds: fc(
      city.compounds.map((c) =>
        feat(
          { type: 'Polygon', coordinates: poly(c.geom) },
          {
            id: c.id,
            name: c.name,
            kind: c.kind as 'compound',
            subdistrict_id: c.block.sd.id,
            community_id: commOf(c.block),
            households: c.households,
            synthetic: true as const,
          },
        ),
      ),
    ),
    buildings: fc(
      city.buildings.map((b) =>
        feat(
          { type: 'Polygon', coordinates: [ring(b.geom)] },
          {
            id: b.id,
            compound_id: b.compoundId,
            block_id: b.unit.block.id,
            subdistrict_id: b.unit.block.sd.id,
            community_id: commOf(b.unit.block),
            use: b.plan.use,
            floors: b.plan.floors,
            households: b.plan.households,
            height_m: Math.round((b.plan.floors * 3 + (b.plan.use === 'mixed' || b.plan.use === 'commercial' ? 1.5 : 0)) * 10) / 10,
            source: 'demo' as const,
            synthetic: true as const,
          },
        ),
      ),
    ),
    units: fc(
      city.units.map((u) =>
        feat(
          { type: 'MultiPolygon', coordinates: mpoly(u.geom) },
          {
            id: u.id,
            subdistrict_id: u.block.sd.id,
            community_id: commOf(u.block),
            compound_id: u.compoundId,
            block_id: u.block.id,
            households: u.households,
            buildings: u.buildings.length,
            party_households: u.partyHouseholds,
            plaqued_households: u.plaquedHouseholds,
            synthetic: true as const,
          },
        ),
      ),
    ),
    shops: fc(
      city.shops.map((s) => {
        const cat = SHOP_CATEGORIES[sr.weighted(catW)];
        const owner = personName(sr);
        const name = `${s.street.name.replace(/(路|街|巷)$/, '')}${sr.chance(0.5) ? owner.slice(0, 1) + '记' : ''}${sr.pick(cat.words)}`;
        return feat(
          { type: 'Point', coordinates: toLonLat(s.pos) },
          {
            id: s.id,
            name,
            category: cat.category,
            phone: sr.chance(0.6) ? mobile(sr) : landline(sr),
            building_id: s.building.id,
            street_id: s.street.id,
            subdistrict_id: s.building.unit.block.sd.id,
            community_id: commOf(s.building.unit.block),
            synthetic: true as const,
          },
        );
      }),
    ),
    households: fc(
      hh.map((h) =>
        feat(
          { type: 'Point', coordinates: toLonLat(city.warp.map(h.u, h.v)) },
          {
            id: h.id,
            building_id: h.building.id,
            unit_id: h.building.unit.id,
            head_name: h.head_name,
            phone: h.phone,
            party_member: h.party_member,
            plaqued: h.plaqued,
            credit_rating: h.credit_rating,
            synthetic: true as const,
          },
        ),
      ),
    ),
    incidents: fc(
      incidents.map((i) =>
        feat(
          { type: 'Point', coordinates: toLonLat(i.pos) },
          {
            id: i.id,
            type: i.type,
            occurred_at: iso8(i.t),
            source: i.source,
            subdistrict_id: i.building.unit.block.sd.id,
            grid_code: null,
            synthetic: true as const,
          },
        ),
      ),
    ),
    cases: fc(
      cases.map((c) =>
        feat(
          { type: 'Point', coordinates: toLonLat(c.incident.pos) },
          {
            id: c.id,
            title: c.title,
            incident_id: c.incident.id,
            whistled: c.whistled,
            kind: c.kind,
            department: c.department,
            status: c.status,
            subdistrict_id: c.incident.building.unit.block.sd.id,
            grid_code: null,
            reported_at: iso8(c.reported),
            updated_at: iso8(c.updated),
            version: c.events.length,
            synthetic: true as const,
            events: c.events,
          },
        ),
      ),
    ),
    meta: { seed, hotspots, case_deadline_days: { ...DEADLINE_DAYS } },
  };
}
