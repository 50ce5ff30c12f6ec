/**
 * The weekly patrol plan on the map: its routes (of the weekday chosen in the panel, or the whole
 * week) coloured by group with an animated trail along each (deck.gl TripsLayer), and the hot zones'
 * stops (red: patrolled, grey: no group reaches them). Data: views/groups/plan-state.ts.
 */
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { TripsLayer } from '@deck.gl/geo-layers';
import type { Layer } from '@deck.gl/core';
import { planState } from '../views/groups/plan-state';
import { groupColour } from '../views/groups/state';
import type { LayerContext, LayerModule } from './types';

const LOOP_S = 12;
let unsubscribe: (() => void) | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let visible = true;

interface Trip {
  path: [number, number][];
  times: number[];
  colour: [number, number, number];
}

function trips(): Trip[] {
  const p = planState.plan;
  if (!p) return [];
  const idx = new Map(p.groups.map((g, i) => [g.id, i]));
  return planState.patrols
    .filter((x) => planState.weekday === 0 || x.weekday === planState.weekday)
    .map((x) => {
      const path = x.geometry.coordinates.map((c) => [c[0]!, c[1]!] as [number, number]);
      const times = [0];
      for (let i = 1; i < path.length; i++) {
        const kx = 111320 * Math.cos((path[i]![1] * Math.PI) / 180);
        times.push(times[i - 1]! + Math.hypot((path[i]![0] - path[i - 1]![0]) * kx, (path[i]![1] - path[i - 1]![1]) * 110574));
      }
      return { path, times, colour: groupColour(idx.get(x.group) ?? 0) };
    });
}

function animate(ctx: LayerContext, on: boolean): void {
  if (on && !timer) timer = setInterval(() => ctx.requestDeckRender(), 1000 / 15);
  if (!on && timer) {
    clearInterval(timer);
    timer = null;
  }
}

export const patrolPlanLayer: LayerModule = {
  id: 'patrol-plan',
  labelKey: 'layer.patrolPlan',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'coordinator', 'leader'],
  view: 'groups',
  defaultVisible: true,
  legend: [
    { labelKey: 'legend.patrolPlan', swatch: { type: 'line', color: 'rgb(78,121,167)', width: 4 } },
    { labelKey: 'legend.planZone', swatch: { type: 'point', color: 'rgb(214,39,40)', outline: '#fff' } },
    { labelKey: 'legend.planZoneUnreached', swatch: { type: 'point', color: 'rgb(140,140,140)', outline: '#fff' } },
  ],
  add(ctx, vis) {
    visible = vis;
    unsubscribe = planState.onChange(() => {
      animate(ctx, visible && planState.patrols.length > 0);
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
    animate(ctx, vis && planState.patrols.length > 0);
    ctx.requestDeckRender();
  },
  deckLayers() {
    const p = planState.plan;
    if (!p) return [];
    const t = trips();
    const unreached = new Set(p.uncovered.map((u) => u.id));
    const now = (performance.now() / 1000) % LOOP_S / LOOP_S;
    return [
      new PathLayer<Trip>({
        id: 'patrol-plan-paths',
        data: t,
        getPath: (d) => d.path,
        getColor: (d) => [...d.colour, 210] as [number, number, number, number],
        getWidth: 4,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
      }) as unknown as Layer,
      new TripsLayer<Trip>({
        id: 'patrol-plan-trips',
        data: t,
        getPath: (d) => d.path,
        getTimestamps: (d) => d.times,
        getColor: [255, 200, 0],
        widthMinPixels: 5,
        trailLength: 150,
        currentTime: now * Math.max(1, ...t.map((x) => x.times[x.times.length - 1]!)),
        fadeTrail: true,
      }) as unknown as Layer,
      new ScatterplotLayer<{ lon: number; lat: number; id: string }>({
        id: 'patrol-plan-zones',
        data: p.zones,
        getPosition: (d) => [d.lon, d.lat],
        getFillColor: (d) => (unreached.has(d.id) ? [140, 140, 140, 230] : [214, 39, 40, 230]),
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        getRadius: 9,
        radiusUnits: 'pixels',
      }) as unknown as Layer,
    ];
  },
};
