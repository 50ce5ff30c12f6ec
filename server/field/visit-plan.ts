/**
 * Today's visit plan (pure): the buildings of the grid that were visited longest ago (never
 * visited first), larger buildings first among equals, up to `limit`. Visiting in this order
 * covers every household of the grid in turn: a building leaves the head of the list once visited.
 */
export interface PlanBuilding {
  id: string;
  households: number;
  /** epoch ms of the last visit, null: never visited */
  lastVisit: number | null;
}

export function visitPlan<T extends PlanBuilding>(buildings: readonly T[], limit: number): T[] {
  return [...buildings]
    .filter((b) => b.households > 0)
    .sort((a, b) => (a.lastVisit ?? -Infinity) - (b.lastVisit ?? -Infinity) || b.households - a.households || a.id.localeCompare(b.id))
    .slice(0, Math.max(0, limit));
}

/** Share of the grid's households in buildings visited since `since` (0 when the grid has none). */
export function coverage(buildings: readonly PlanBuilding[], since: number): number {
  let all = 0;
  let seen = 0;
  for (const b of buildings) {
    all += b.households;
    if (b.lastVisit !== null && b.lastVisit >= since) seen += b.households;
  }
  return all ? seen / all : 0;
}
