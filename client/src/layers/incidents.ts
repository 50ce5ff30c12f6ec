/** Incidents (事件) as a deck.gl heat map, with the points themselves from z15. Data: GET /api/layers/incidents. */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Feature, Point } from 'geojson';
import { theme } from '../style/theme';
import type { LayerModule } from './types';

type Incident = Feature<Point, Record<string, unknown>>;
let data: Incident[] = [];
let loaded: Promise<void> | null = null;
let zoom = 12;

const rgb = (c: [number, number, number]) => `rgb(${c.join(',')})`;
/** The heat ramp with rising opacity, so sparse areas stay readable under the overlay canvas. */
const HEAT_RGBA = theme.heat.map((c, i) => [...c, Math.round(70 + (185 * i) / (theme.heat.length - 1))] as [number, number, number, number]);

export const incidentsLayer: LayerModule = {
  id: 'incidents',
  labelKey: 'layer.incidents',
  kind: 'deck',
  group: 'analysis',
  defaultVisible: false,
  legend: [{ labelKey: 'legend.incidents', swatch: { type: 'ramp', colors: theme.heat.map(rgb) } }],
  add(ctx, visible) {
    const load = async () => {
      const fc = await ctx.busy.track(ctx.api.layer('incidents', { limit: 50000 }), 'busy.incidents');
      data = fc.features.filter((f): f is Incident => f.geometry?.type === 'Point');
      ctx.requestDeckRender();
    };
    // Load lazily: only when first shown (the base map's first idle does not wait for it).
    const ensure = () => (loaded ??= load());
    ctx.map.on('zoomend', () => {
      const z = ctx.map.getZoom();
      if (z >= 15 !== zoom >= 15) {
        zoom = z;
        ctx.requestDeckRender();
      }
      zoom = z;
    });
    zoom = ctx.map.getZoom();
    (incidentsLayer as { ensure?: () => Promise<void> }).ensure = ensure;
    if (visible) return ensure();
  },
  remove() {
    data = [];
    loaded = null;
  },
  setVisible(ctx, visible) {
    if (visible) void (incidentsLayer as { ensure?: () => Promise<void> }).ensure?.();
    ctx.requestDeckRender();
  },
  deckLayers() {
    if (data.length === 0) return [];
    const layers = [
      new HeatmapLayer<Incident>({
        id: 'incidents-heat',
        data,
        getPosition: (d) => d.geometry.coordinates as [number, number],
        getWeight: 1,
        radiusPixels: 40,
        intensity: 1,
        threshold: 0.12,
        opacity: 0.85,
        colorRange: HEAT_RGBA,
      }),
    ];
    if (zoom >= 15) {
      layers.push(
        new ScatterplotLayer<Incident>({
          id: 'incidents-points',
          data,
          getPosition: (d) => d.geometry.coordinates as [number, number],
          getRadius: 4,
          radiusUnits: 'pixels',
          getFillColor: [189, 0, 38, 220],
          getLineColor: [255, 255, 255, 255],
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          stroked: true,
          pickable: true,
        }) as never,
      );
    }
    return layers;
  },
};
