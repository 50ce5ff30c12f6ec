/**
 * The weekly patrol plan on the map: its routes (of the weekday chosen in the panel, or the whole
 * week) coloured by group, in the route style of layers/route-style.ts (cased, animated trail), and
 * the hot zones' stops (red: patrolled, grey: no group reaches them). The routes are drawn last, above
 * the zones' stops and (this module comes after layers/groups.ts) the groups' shop markers, and wide
 * (6 px on a 12 px casing): a patrol of a few hundred metres is still seen among the shops.
 * Data: state/patrol-plan.ts.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { planState } from '../state/patrol-plan';
import { groupColour } from '../state/groups';
import { routeAnimation, routeLayers, routeTrip, type RouteTrip } from './route-style';
import type { LayerModule } from './types';

let unsubscribe: (() => void) | null = null;
let visible = true;
const animate = routeAnimation();

function trips(): RouteTrip[] {
  const p = planState.plan;
  if (!p) return [];
  const idx = new Map(p.groups.map((g, i) => [g.id, i]));
  return planState.patrols
    .filter((x) => planState.weekday === 0 || x.weekday === planState.weekday)
    .map((x) => routeTrip(x.geometry.coordinates, groupColour(idx.get(x.group) ?? 0)));
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
    { labelKey: 'legend.patrolPlan', swatch: { type: 'line', color: 'rgb(78,121,167)', width: 6 } },
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
    const unreached = new Set(p.uncovered.map((u) => u.id));
    return [
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
      ...routeLayers('patrol-plan', trips(), { width: 6 }),
    ];
  },
};
