/**
 * Household-level personal data rows (the households table holds only households with personal
 * data): party-member households (党员户), of which exactly the bulletin's 1,289 carry a plaque
 * (挂牌), and credit-community ratings matching the bulletin exactly (A 2,507, 2A 434, 3A 98).
 * The rule is that at least 20% of PARTY-MEMBER households carry a plaque (not 20% of all
 * households). The bulletin gives no count of party-member households: 4,860 is a synthetic figure
 * that puts the district at 26.5%, so that grids fall on both sides of 20%. Names and phones are
 * synthetic.
 */
import type { CityBuilding } from './city';
import { personName, mobile } from './names';
import type { Rng } from '../../common/rng';
import { weightedSampler } from '../../common/rng';

/** Synthetic (the bulletin does not give it). */
export const PARTY_HOUSEHOLDS = 4860;
/** 挂牌党员户: the bulletin's figure. */
export const PLAQUED_HOUSEHOLDS = 1289;
export const CREDIT_COUNTS = { A: 2507, '2A': 434, '3A': 98 } as const;
/** Party households that also hold a credit rating. */
const OVERLAP = 350;

export interface HouseholdRow {
  id: string;
  building: CityBuilding;
  u: number;
  v: number;
  head_name: string;
  phone: string;
  party_member: boolean;
  /** a party-member household with a plaque (挂牌) */
  plaqued: boolean;
  credit_rating: 'A' | '2A' | '3A' | null;
}

export function planHouseholds(rng: Rng, buildings: CityBuilding[]): HouseholdRow[] {
  const r = rng.fork('households');
  const res = buildings.filter((b) => b.plan.households > 0 && b.unit.block.sd.urban);
  const sample = weightedSampler(res.map((b) => b.plan.households));
  const used = new Map<CityBuilding, number>();
  const draw = (): CityBuilding => {
    for (;;) {
      const b = res[sample(r.next())];
      const n = used.get(b) ?? 0;
      if (n < b.plan.households) {
        used.set(b, n + 1);
        return b;
      }
    }
  };
  const ratings: Array<'A' | '2A' | '3A'> = [];
  for (const [k, n] of Object.entries(CREDIT_COUNTS) as Array<['A' | '2A' | '3A', number]>) for (let i = 0; i < n; i++) ratings.push(k);
  r.shuffle(ratings);
  const total = PARTY_HOUSEHOLDS + ratings.length - OVERLAP;
  // which party-member households carry a plaque: its own stream, so the other draws do not move
  const plaques = rng.fork('plaques');
  const order = Array.from({ length: PARTY_HOUSEHOLDS }, (_, i) => i);
  plaques.shuffle(order);
  const plaqued = new Set(order.slice(0, PLAQUED_HOUSEHOLDS));
  const rows: HouseholdRow[] = [];
  for (let i = 0; i < total; i++) {
    const party = i < PARTY_HOUSEHOLDS;
    const rating = i >= PARTY_HOUSEHOLDS - OVERLAP ? ratings[i - (PARTY_HOUSEHOLDS - OVERLAP)] : null;
    const b = draw();
    const rect = b.plan.rect;
    const u = rect.u0 + 1 + r.next() * Math.max(0, rect.u1 - rect.u0 - 2);
    const v = rect.v0 + 1 + r.next() * Math.max(0, rect.v1 - rect.v0 - 2);
    rows.push({
      id: `h${String(i + 1).padStart(5, '0')}`,
      building: b,
      u,
      v,
      head_name: personName(r),
      phone: mobile(r),
      party_member: party,
      plaqued: plaqued.has(i),
      credit_rating: rating,
    });
    if (party) b.unit.partyHouseholds++;
    if (plaqued.has(i)) b.unit.plaquedHouseholds++;
  }
  return rows;
}
