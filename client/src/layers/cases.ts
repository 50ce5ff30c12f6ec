/**
 * Open whistle cases on the map, coloured by their SLA state (green within the deadline, amber near
 * it, red overdue, grey no clock running); the selected case gets a ring. Data: GET /api/cases?open=true.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { casesApi, type CaseItem, type SlaLevel } from '../api/cases';
import { t, type MessageKey } from '../i18n';
import type { LayerContext, LayerModule } from './types';

export const SLA_COLORS: Record<SlaLevel, [number, number, number]> = {
  ok: [26, 152, 80],
  due: [243, 156, 18],
  overdue: [215, 48, 39],
  none: [140, 140, 140],
};
export const slaCss = (l: SlaLevel) => `rgb(${SLA_COLORS[l].join(',')})`;

interface CasePoint {
  position: [number, number];
  level: SlaLevel;
  id: string;
  properties: Record<string, unknown>;
}

let points: CasePoint[] = [];
let selected: { id: string; position: [number, number] } | null = null;
let layerCtx: LayerContext | null = null;
let loaded: Promise<void> | null = null;
const RADIUS: Record<SlaLevel, number> = { overdue: 9, due: 7, ok: 6, none: 5 };

function toPoint(c: CaseItem): CasePoint {
  return {
    position: [c.lon, c.lat],
    level: c.sla.level,
    id: c.id,
    properties: {
      id: c.id,
      name: c.title,
      status: c.status,
      whistle: c.kind ? t(`cases.kind.${c.kind}` as MessageKey) : t('cases.kind.none'),
      department: c.department ?? '',
      sla: t(`cases.sla.${c.sla.level}` as MessageKey),
      reported_at: c.reportedAt.slice(0, 16).replace('T', ' '),
    },
  };
}

async function load(ctx: LayerContext): Promise<void> {
  const res = await ctx.busy.track(casesApi.list({ open: true, limit: 500 }), 'cases.busy.list');
  // red on top
  const order: SlaLevel[] = ['none', 'ok', 'due', 'overdue'];
  points = res.items.map(toPoint).sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
  ctx.requestDeckRender();
}

/** load() that never rejects: a refusal or network error leaves the layer empty (and may be retried). */
function safeLoad(ctx: LayerContext): Promise<void> {
  return load(ctx).catch((e) => {
    console.warn('cases layer: could not load the open cases', e);
    loaded = null;
  });
}

/** Reloads the open cases (after a transition or a new report). */
export async function reloadCasesLayer(): Promise<void> {
  if (!layerCtx) return;
  loaded = load(layerCtx);
  await loaded;
}

/** Rings one case (null: none). */
export function selectCaseOnMap(c: { id: string; lon: number; lat: number } | null): void {
  selected = c ? { id: c.id, position: [c.lon, c.lat] } : null;
  layerCtx?.requestDeckRender();
}

export const casesLayer: LayerModule = {
  id: 'cases',
  labelKey: 'cases.layer',
  kind: 'deck',
  group: 'analysis',
  defaultVisible: false,
  legend: (['overdue', 'due', 'ok', 'none'] as SlaLevel[]).map((l) => ({
    labelKey: `cases.sla.${l}` as MessageKey,
    swatch: { type: 'point' as const, color: slaCss(l), outline: '#ffffff' },
  })),
  roles: ['leader', 'admin', 'coordinator', 'grid_member'],
  add(ctx, visible) {
    layerCtx = ctx;
    if (visible) return (loaded ??= safeLoad(ctx));
  },
  remove() {
    points = [];
    loaded = null;
    layerCtx = null;
  },
  setVisible(ctx, visible) {
    layerCtx = ctx;
    if (visible) void (loaded ??= safeLoad(ctx));
    ctx.requestDeckRender();
  },
  setLang() {
    points = points.map((p) => ({ ...p }));
    void reloadCasesLayer();
  },
  deckLayers() {
    if (points.length === 0 && !selected) return [];
    const layers: Layer[] = [
      new ScatterplotLayer<CasePoint>({
        id: 'cases-points',
        data: points,
        getPosition: (d) => d.position,
        getRadius: (d) => RADIUS[d.level],
        radiusUnits: 'pixels',
        getFillColor: (d) => [...SLA_COLORS[d.level], 235],
        getLineColor: [255, 255, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        stroked: true,
        pickable: true,
      }) as unknown as Layer,
    ];
    const sel = selected;
    if (sel) {
      layers.push(
        new ScatterplotLayer<{ position: [number, number] }>({
          id: 'cases-selected',
          data: [sel],
          getPosition: (d) => d.position,
          getRadius: 16,
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: [33, 33, 33, 230],
          lineWidthUnits: 'pixels',
          getLineWidth: 3,
          pickable: false,
        }) as unknown as Layer,
      );
    }
    return layers;
  },
};
