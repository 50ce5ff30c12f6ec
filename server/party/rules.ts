/**
 * Party-building rules, pure (no I/O): the plaque rule (at least 20% of PARTY-MEMBER households carry
 * a plaque, 挂牌; a share of party-member households, not of all households), quarters for the work
 * teams' visits, the 1-2 grids of a serving party member, and how the demo spreads a number of
 * branches over communities.
 */
import { PLAQUE_MIN_SHARE } from '../../common/http/party';

export { PLAQUE_MIN_SHARE };

export interface PlaqueStatus {
  /** plaqued / party-member households (null: no party-member household) */
  share: number | null;
  /** share ≥ 20% (null: no party-member household, nothing to meet) */
  meets: boolean | null;
  /** plaques still missing to reach 20% (0 when met) */
  missing: number;
}

export function plaqueStatus(partyHouseholds: number, plaqued: number): PlaqueStatus {
  if (partyHouseholds <= 0) return { share: null, meets: null, missing: 0 };
  const share = plaqued / partyHouseholds;
  const need = Math.ceil(PLAQUE_MIN_SHARE * partyHouseholds - 1e-9);
  return { share, meets: plaqued >= need, missing: Math.max(0, need - plaqued) };
}

/** '2026Q4' for a date (UTC calendar). */
export function quarterOf(d: Date): string {
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** [first day, first day of the next quarter) as YYYY-MM-DD; null for a malformed quarter. */
export function quarterRange(q: string): [string, string] | null {
  const m = /^(\d{4})Q([1-4])$/.exec(q);
  if (!m) return null;
  const y = Number(m[1]);
  const k = Number(m[2]);
  const from = `${y}-${String((k - 1) * 3 + 1).padStart(2, '0')}-01`;
  const to = k === 4 ? `${y + 1}-01-01` : `${y}-${String(k * 3 + 1).padStart(2, '0')}-01`;
  return [from, to];
}

/** A serving party member links 1 or 2 distinct grids: null when fine, else the problem. */
export function memberGridsProblem(grids: readonly string[]): string | null {
  const distinct = new Set(grids);
  if (distinct.size !== grids.length) return '联系网格重复 (duplicate linked grids)';
  if (grids.length < 1) return '每名报到党员须联系 1 个网格 (each registered party member must be linked to a grid)';
  if (grids.length > 2)
    return `每名报到党员联系 1-2 个网格（现为 ${grids.length} 个） (each registered party member is linked to 1-2 grids, now ${grids.length})`;
  return null;
}

/**
 * Spreads `total` branches over communities in proportion to their grid counts (largest remainder),
 * each community with a grid getting at least 1 and at most one branch per grid. When `total` is
 * outside [communities with grids, all grids] it is clamped to that range.
 */
export function allocateBranches(gridCounts: readonly number[], total: number): number[] {
  const idx = gridCounts.map((_, i) => i).filter((i) => gridCounts[i] > 0);
  const out = gridCounts.map(() => 0);
  const sumGrids = idx.reduce((s, i) => s + gridCounts[i], 0);
  const target = Math.max(idx.length, Math.min(sumGrids, Math.round(total)));
  if (idx.length === 0) return out;
  for (const i of idx) out[i] = 1;
  let left = target - idx.length;
  const spare = sumGrids - idx.length;
  if (left <= 0 || spare <= 0) return out;
  const exact = idx.map((i) => ({ i, q: ((gridCounts[i] - 1) * left) / spare }));
  for (const e of exact) {
    const add = Math.min(gridCounts[e.i] - 1, Math.floor(e.q));
    out[e.i] += add;
    left -= add;
  }
  exact.sort((a, b) => b.q - Math.floor(b.q) - (a.q - Math.floor(a.q)) || a.i - b.i);
  while (left > 0) {
    let moved = false;
    for (const e of exact) {
      if (left === 0) break;
      if (out[e.i] < gridCounts[e.i]) {
        out[e.i]++;
        left--;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return out;
}

/** Splits `items` (in order) into `k` consecutive chunks whose sizes differ by at most one. */
export function chunk<T>(items: readonly T[], k: number): T[][] {
  const n = Math.max(1, Math.min(k, items.length));
  const out: T[][] = [];
  let at = 0;
  for (let c = 0; c < n; c++) {
    const size = Math.floor(items.length / n) + (c < items.length % n ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}
