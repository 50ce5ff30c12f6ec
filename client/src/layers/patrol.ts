/**
 * The patrol route of the selected group: the street path with direction arrows every ~60 m and an
 * animated trail (deck.gl TripsLayer) running along it in patrol order. Data: views/groups/state.ts.
 */
import { PathLayer, PolygonLayer } from '@deck.gl/layers';
import { TripsLayer } from '@deck.gl/geo-layers';
import type { Layer } from '@deck.gl/core';
import type { RouteFeature } from '../api/groups';
import { groupsState } from '../views/groups/state';
import type { LayerContext, LayerModule } from './types';

const ARROW_EVERY_M = 60;
const LOOP_S = 12; // one animated lap, seconds
let unsubscribe: (() => void) | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let visible = false;
let cache: { route: RouteFeature; path: [number, number][]; times: number[]; total: number; arrows: [number, number][][] } | null = null;

function prepare(route: RouteFeature) {
  if (cache?.route === route) return cache;
  const path = route.geometry.coordinates.map((c) => [c[0], c[1]] as [number, number]);
  const times: number[] = [0];
  const arrows: [number, number][][] = [];
  let total = 0;
  let nextArrow = ARROW_EVERY_M / 2;
  for (let i = 1; i < path.length; i++) {
    const [x0, y0] = path[i - 1], [x1, y1] = path[i];
    const kx = 111320 * Math.cos((y0 * Math.PI) / 180), ky = 110574;
    const dx = (x1 - x0) * kx, dy = (y1 - y0) * ky;
    const len = Math.hypot(dx, dy);
    while (len > 0 && nextArrow <= total + len) {
      const f = (nextArrow - total) / len;
      const ux = dx / len, uy = dy / len;
      // Offset to the right of the direction of travel, so that out-and-back legs on one street
      // show their two arrows side by side instead of on top of each other.
      const OFF = 7;
      const cx = x0 + f * (x1 - x0) + (uy * OFF) / kx, cy = y0 + f * (y1 - y0) - (ux * OFF) / ky;
      const L = 6, W = 4; // metres
      const pt = (a: number, b: number): [number, number] => [cx + a / kx, cy + b / ky];
      arrows.push([pt(ux * L, uy * L), pt(-ux * L * 0.6 - uy * W, -uy * L * 0.6 + ux * W), pt(-ux * L * 0.2, -uy * L * 0.2), pt(-ux * L * 0.6 + uy * W, -uy * L * 0.6 - ux * W)]);
      nextArrow += ARROW_EVERY_M;
    }
    total += len;
    times.push(total);
  }
  cache = { route, path, times, total, arrows };
  return cache;
}

function animate(ctx: LayerContext, on: boolean): void {
  if (on && !timer) timer = setInterval(() => ctx.requestDeckRender(), 1000 / 15);
  if (!on && timer) {
    clearInterval(timer);
    timer = null;
  }
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
    const now = ((performance.now() / 1000) % LOOP_S) / LOOP_S * c.total;
    return [
      new PathLayer<{ path: [number, number][] }>({
        id: 'patrol-path',
        data: [{ path: c.path }],
        getPath: (d) => d.path,
        getColor: [106, 61, 154, 200],
        getWidth: 5,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
      }) as unknown as Layer,
      new PolygonLayer<[number, number][]>({
        id: 'patrol-arrows',
        data: c.arrows,
        getPolygon: (a) => a,
        getFillColor: [255, 255, 255, 255],
        getLineColor: [106, 61, 154, 255],
        getLineWidth: 1,
        lineWidthUnits: 'pixels',
        stroked: true,
      }) as unknown as Layer,
      new TripsLayer<{ path: [number, number][]; times: number[] }>({
        id: 'patrol-trips',
        data: [{ path: c.path, times: c.times }],
        getPath: (d) => d.path,
        getTimestamps: (d) => d.times,
        getColor: [255, 200, 0],
        widthMinPixels: 6,
        capRounded: true,
        jointRounded: true,
        trailLength: Math.max(80, c.total / 5),
        currentTime: now,
        fadeTrail: true,
      }) as unknown as Layer,
    ];
  },
};
