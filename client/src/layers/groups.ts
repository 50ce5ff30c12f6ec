/**
 * Joint-defense groups (十户联防): a coloured hull per group (red outline when its worst response
 * exceeds the limit), member shops in the group's colour, the leader larger with a dark ring, shops
 * in no group grey with a red ring. Data comes from the groups view (state/groups.ts).
 */
import { PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { DefenseGroup, GroupMember } from '../api/groups';
import { groupColour, groupsState } from '../state/groups';
import { redrawOn, type LayerModule } from './types';

interface ShopDot {
  properties: { id: string; name: string; phone: string | null; group: string | null; leader: boolean };
  position: [number, number];
  colour: [number, number, number];
}

let memo: { data: unknown; dots: ShopDot[]; hulls: { g: DefenseGroup; i: number }[] } | null = null;

function dots(groups: DefenseGroup[], ungrouped: GroupMember[]): ShopDot[] {
  const out: ShopDot[] = [];
  groups.forEach((g, i) => {
    for (const m of g.members) {
      out.push({
        properties: { id: m.id, name: m.name, phone: m.phone, group: g.name, leader: m.id === g.leader_shop_id },
        position: [m.lon, m.lat],
        colour: groupColour(i),
      });
    }
  });
  for (const m of ungrouped)
    out.push({ properties: { id: m.id, name: m.name, phone: m.phone, group: null, leader: false }, position: [m.lon, m.lat], colour: [150, 150, 150] });
  return out;
}

export const groupsLayer: LayerModule = {
  id: 'groups',
  labelKey: 'layer.groups',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'coordinator', 'leader'],
  view: 'groups',
  defaultVisible: false,
  legend: [
    { labelKey: 'legend.groupHull', swatch: { type: 'fill', color: 'rgba(78,121,167,0.25)', outline: 'rgb(78,121,167)' } },
    { labelKey: 'legend.groupSlow', swatch: { type: 'fill', color: 'rgba(78,121,167,0.25)', outline: 'rgb(215,25,28)' } },
    { labelKey: 'legend.groupLeader', swatch: { type: 'point', color: 'rgb(78,121,167)', outline: '#222' } },
    { labelKey: 'legend.ungrouped', swatch: { type: 'point', color: 'rgb(150,150,150)', outline: 'rgb(215,25,28)' } },
  ],
  ...redrawOn((fn) => groupsState.onChange(fn)),
  deckLayers() {
    const d = groupsState.data;
    if (!d) return [];
    const sel = groupsState.selectedGroup;
    if (memo?.data !== d) memo = { data: d, dots: dots(d.groups, d.ungrouped), hulls: d.groups.map((g, i) => ({ g, i })).filter((x) => x.g.hull) };
    const { dots: shopDots, hulls } = memo;
    const layers: Layer[] = [
      new PolygonLayer<{ g: DefenseGroup; i: number }>({
        id: 'groups-hulls',
        data: hulls,
        getPolygon: (x) => (x.g.hull!.type === 'Polygon' ? x.g.hull!.coordinates : x.g.hull!.coordinates[0]) as never,
        getFillColor: (x) => [...groupColour(x.i), x.g.id === sel ? 110 : 55] as [number, number, number, number],
        getLineColor: (x) => (x.g.slow ? [215, 25, 28, 255] : [...groupColour(x.i), 230]) as [number, number, number, number],
        getLineWidth: (x) => (x.g.id === sel ? 4 : x.g.slow ? 2.5 : 1.5),
        lineWidthUnits: 'pixels',
        stroked: true,
        filled: true,
        pickable: false,
        updateTriggers: { getFillColor: sel, getLineWidth: sel },
      }) as unknown as Layer,
      new ScatterplotLayer<ShopDot>({
        id: 'groups-shops',
        data: shopDots,
        getPosition: (s) => s.position,
        getRadius: (s) => (s.properties.leader ? 7 : 4.5),
        radiusUnits: 'pixels',
        getFillColor: (s) => [...s.colour, 255] as [number, number, number, number],
        getLineColor: (s) => (s.properties.leader ? [20, 20, 20, 255] : s.properties.group === null ? [215, 25, 28, 255] : [255, 255, 255, 255]),
        getLineWidth: (s) => (s.properties.leader ? 2.5 : 1.2),
        lineWidthUnits: 'pixels',
        stroked: true,
        pickable: true,
        radiusMinPixels: 3,
        onClick: (info) => {
          const id = (info.object as ShopDot | undefined)?.properties.id;
          if (id) groupsState.onShopClick?.(id);
          return true;
        },
      }) as unknown as Layer,
    ];
    return layers;
  },
};
