/**
 * Alarm response around a clicked shop: the area reachable on foot within the response limit
 * (isochrone: one solid outline from the server, with the reached streets as thin lines inside), the walking paths of the other members to the shop (red when too slow), and the
 * ringing shop itself. Data comes from the groups view (state/groups.ts).
 */
import { PathLayer, PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Position } from 'geojson';
import { groupsState } from '../state/groups';
import { redrawOn, type LayerModule } from './types';

export const isochroneLayer: LayerModule = {
  id: 'isochrone',
  labelKey: 'layer.isochrone',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'coordinator', 'leader'],
  view: 'groups',
  defaultVisible: false,
  legend: [
    { labelKey: 'legend.isochrone', swatch: { type: 'fill', color: 'rgba(44,162,95,0.25)', outline: 'rgb(44,162,95)' } },
    { labelKey: 'legend.responsePath', swatch: { type: 'line', color: 'rgb(33,102,172)', width: 3 } },
  ],
  ...redrawOn((fn) => groupsState.onChange(fn)),
  deckLayers() {
    const r = groupsState.response;
    if (!r) return [];
    const polys: Position[][][] = [];
    const g = r.isochrone?.geometry;
    if (g?.type === 'Polygon') polys.push(g.coordinates);
    else if (g?.type === 'MultiPolygon') polys.push(...g.coordinates);
    const limit = r.threshold_s;
    return [
      new PolygonLayer<Position[][]>({
        id: 'isochrone-area',
        data: polys,
        getPolygon: (p) => p as never,
        getFillColor: [44, 162, 95, 55],
        getLineColor: [44, 162, 95, 220],
        getLineWidth: 2,
        lineWidthUnits: 'pixels',
        stroked: true,
        filled: true,
      }) as unknown as Layer,
      new PathLayer<Position[]>({
        id: 'isochrone-streets',
        data: r.reached?.geometry.coordinates ?? [],
        getPath: (p) => p as never,
        getColor: [44, 162, 95, 170],
        getWidth: 3,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
      }) as unknown as Layer,
      new PathLayer<(typeof r.paths.features)[number]>({
        id: 'isochrone-paths',
        data: r.paths.features,
        getPath: (f) => f.geometry.coordinates as never,
        getColor: (f) => (f.properties.time_s > limit ? [215, 25, 28, 230] : [33, 102, 172, 220]),
        getWidth: 3,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
        pickable: true,
      }) as unknown as Layer,
      new ScatterplotLayer<{ p: [number, number] }>({
        id: 'isochrone-alarm',
        data: [{ p: [r.shop.lon, r.shop.lat] }],
        getPosition: (d) => d.p,
        getRadius: 11,
        radiusUnits: 'pixels',
        getFillColor: [215, 25, 28, 90],
        getLineColor: [215, 25, 28, 255],
        getLineWidth: 3,
        lineWidthUnits: 'pixels',
        stroked: true,
      }) as unknown as Layer,
    ];
  },
};
