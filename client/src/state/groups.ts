/**
 * The joint-defense workspace's state, shared by the view (panel) and its three map layers
 * (layers/groups.ts, layers/isochrone.ts, layers/patrol.ts). Layers read it; the view writes it.
 */
import type { GroupsAnswer, ResponseAnswer, RouteFeature } from '../api/groups';

type Listener = () => void;

/** A patrol route being drawn or edited by clicking stops (route-editor.ts). */
export interface RouteDraft {
  group: string;
  /** the saved route being edited, or null for a new one */
  routeId: number | null;
  /** the group's row version the edit is based on */
  version: number;
  /** stops in patrol order, [lon, lat] */
  stops: [number, number][];
  closed: boolean;
}

class GroupsState {
  data: GroupsAnswer | null = null;
  response: ResponseAnswer | null = null;
  route: RouteFeature | null = null;
  selectedGroup: string | null = null;
  selectedShop: string | null = null;
  draft: RouteDraft | null = null;
  /** Shop clicks go here (the view sets it). */
  onShopClick: ((shopId: string) => void) | null = null;
  private listeners = new Set<Listener>();

  set(patch: Partial<Pick<GroupsState, 'data' | 'response' | 'route' | 'selectedGroup' | 'selectedShop' | 'draft'>>): void {
    Object.assign(this, patch);
    for (const l of this.listeners) l();
  }

  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const groupsState = new GroupsState();

/** Categorical palette for groups (colour-blind friendly Tableau 10), RGB. */
export const GROUP_COLOURS: [number, number, number][] = [
  [78, 121, 167],
  [242, 142, 43],
  [89, 161, 79],
  [176, 122, 161],
  [118, 183, 178],
  [237, 201, 72],
  [156, 117, 95],
  [255, 157, 167],
  [186, 176, 172],
  [225, 87, 89],
];

export function groupColour(index: number): [number, number, number] {
  return GROUP_COLOURS[index % GROUP_COLOURS.length];
}
