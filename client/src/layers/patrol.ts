/**
 * The patrol route of the selected group: the street path with direction arrows every ~60 m and an
 * animated trail running along it in patrol order, in the route style of layers/route-style.ts.
 * Data: state/groups.ts.
 */
import { PolygonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { RouteFeature } from '../api/groups';
import { groupsState } from '../state/groups';
import { metresPerDegree, routeAnimation, routeLayers, routeTrip, type RouteTrip } from './route-style';
import type { LayerModule } from './types';

const ARROW_EVERY_M = 60;
const COLOUR: [number, number, number] = [106, 61, 154];
let unsubscribe: (() => void) | null = null;
let visible = false;
const animate = routeAnimation();
let cache: { route: RouteFeature; trip: RouteTrip; arrows: [number, number][][] } | null = null;

/** Arrows every ARROW_EVERY_M along the path, pointing the way of travel. */
function arrowsAlong(trip: RouteTrip): [number, number][][] {
  const arrows: [number, number][][] = [];
  let nextArrow = ARROW_EVERY_M / 2;
  const { path, times } = trip;
  for (let i = 1; i < path.length; i++) {
    const [x0, y0] = path[i - 1]!,
      [x1, y1] = path[i]!;
    const { kx, ky } = metresPerDegree(y0);
    const dx = (x1 - x0) * kx,
      dy = (y1 - y0) * ky;
    const len = times[i]! - times[i - 1]!;
    while (len > 0 && nextArrow <= times[i]!) {
      const f = (nextArrow - times[i - 1]!) / len;
      const ux = dx / len,
        uy = dy / len;
      // Offset to the right of the direction of travel, so that out-and-back legs on one street
      // show their two arrows side by side instead of on top of each other.
      const OFF = 7;
      const cx = x0 + f * (x1 - x0) + (uy * OFF) / kx,
        cy = y0 + f * (y1 - y0) - (ux * OFF) / ky;
      const L = 6,
        W = 4; // metres
      const pt = (a: number, b: number): [number, number] => [cx + a / kx, cy + b / ky];
      arrows.push([
        pt(ux * L, uy * L),
        pt(-ux * L * 0.6 - uy * W, -uy * L * 0.6 + ux * W),
        pt(-ux * L * 0.2, -uy * L * 0.2),
        pt(-ux * L * 0.6 + uy * W, -uy * L * 0.6 - ux * W),
      ]);
      nextArrow += ARROW_EVERY_M;
    }
  }
  return arrows;
}

function prepare(route: RouteFeature) {
  if (cache?.route === route) return cache;
  const trip = routeTrip(route.geometry.coordinates, COLOUR);
  cache = { route, trip, arrows: arrowsAlong(trip) };
  return cache;
}

export const patrolLayer: LayerModule = {
  id: 'patrol',
  labelKey: 'layer.patrol',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'coordinator', 'leader'],
  view: 'groups',
  defaultVisible: false,
  legend: [{ labelKey: 'legend.patrol', swatch: { type: 'line', color: 'rgb(106,61,154)', width: 4 } }],
  add(ctx, vis) {
    visible = vis;
    unsubscribe = groupsState.onChange(() => {
      animate(ctx, visible && groupsState.route !== null);
      ctx.requestDeckRender();
    });
  },
  remove(ctx) {
    unsubscribe?.();
    unsubscribe = null;
    animate(ctx, false);
  },
  setVisible(ctx, vis) {
    visible = vis;
    animate(ctx, vis && groupsState.route !== null);
    ctx.requestDeckRender();
  },
  deckLayers() {
    const route = groupsState.route;
    if (!route) return [];
    const c = prepare(route);
    const arrows = new PolygonLayer<[number, number][]>({
      id: 'patrol-arrows',
      data: c.arrows,
      getPolygon: (a) => a,
      getFillColor: [255, 255, 255, 255],
      getLineColor: [...COLOUR, 255],
      getLineWidth: 1,
      lineWidthUnits: 'pixels',
      stroked: true,
    }) as unknown as Layer;
    return routeLayers('patrol', [c.trip], { width: 5, over: [arrows] });
  },
};
