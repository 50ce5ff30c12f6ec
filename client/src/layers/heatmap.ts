/**
 * Leader view: heat map of the FILTERED incidents (deck.gl HeatmapLayer on a binary position
 * attribute: a filter change hands deck.gl one Float32Array, no per-point accessor calls).
 * Data and filters live in the hot spot view's store.
 *
 * Redraw cost (issue E, software WebGL): the stock layer follows every weights pass with a GPU
 * max-reduction drawing textureSize² points. Here the peak density is computed on the CPU from the
 * visible filtered points (style/heat-domain.ts, ~1-2 ms for 100k) and handed to the
 * colour pass, and the reduction pass is skipped. The colour scale tops out at the 95th percentile
 * of the visible density (issue M): one outlier cluster saturates instead of paling the rest.
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { UpdateParameters } from '@deck.gl/core';
import { theme } from '../style/theme';
import { hotspotStore } from '../state/hotspots';
import { heatDomain } from '../style/heat-domain';
import type { LayerModule } from './types';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
const RADIUS_PX = 30;
const THRESHOLD = 0.04;
/** fraction of deck.gl's point sprite radius that is drawn (see getShaders) */
const SPRITE_CUT = 0.6;
/** The data object of the current filter (a new object only when the filter changed). */
let memo: { version: number; data: unknown } | null = null;
let moveHandler: (() => void) | null = null;
let visible = false;

/**
 * HeatmapLayer with a precomputed peak (`peakDensity`, in the layer's own weight units: Σ kernel
 * per texel): the colour domain is [threshold·peak, peak] and the GPU max pass never runs.
 * Without `peakDensity` it behaves exactly like HeatmapLayer.
 */
class CpuDomainHeatmapLayer extends HeatmapLayer<unknown, { peakDensity?: number | null }> {
  static override layerName = 'CpuDomainHeatmapLayer';
  override updateState(opts: UpdateParameters<this>): void {
    super.updateState(opts);
    const peak = (this.props as { peakDensity?: number | null }).peakDensity;
    if (peak != null) {
      const s = this.state as unknown as { colorDomain: number[]; weightsScale: number };
      const max = Math.max(peak, 1e-6) * s.weightsScale;
      s.colorDomain = [max * this.props.threshold, max];
    }
  }
  /**
   * The weights kernel is a Gaussian with σ = r/6 drawn on a 2r-wide sprite; beyond 0.6 r it adds
   * < 0.15 % of its peak. Sprites of 1.2 r with the same kernel (in pixels) give the same map with
   * 36 % of the fragment work.
   */
  override getShaders(shaders: Parameters<HeatmapLayer['getShaders']>[0]) {
    const vs = shaders.vs as string | undefined,
      fs = shaders.fs as string | undefined;
    if (vs?.includes('gl_PointSize = radiusTexels * 2.;') && fs?.includes('gaussianKDE(2. * dist)')) {
      shaders = {
        ...shaders,
        vs: vs.replace('gl_PointSize = radiusTexels * 2.;', `gl_PointSize = radiusTexels * ${2 * SPRITE_CUT};`),
        fs: fs
          .replace('float dist = length(gl_PointCoord - vec2(0.5, 0.5));', `float dist = ${SPRITE_CUT} * length(gl_PointCoord - vec2(0.5, 0.5));`)
          .replace('if (dist > 0.5)', `if (dist > ${0.5 * SPRITE_CUT})`),
      };
    }
    return super.getShaders(shaders);
  }
  override _updateMaxWeightValue(): void {
    if ((this.props as { peakDensity?: number | null }).peakDensity != null) return;
    super._updateMaxWeightValue();
  }
}

export const heatmapLayer: LayerModule = {
  id: 'heatmap',
  labelKey: 'hs.layer.heatmap',
  kind: 'deck',
  group: 'analysis',
  roles: ['admin', 'leader', 'coordinator'],
  view: 'hotspots',
  defaultVisible: false,
  legend: [{ labelKey: 'hs.legend.heat', swatch: { type: 'ramp', colors: theme.heat.map(rgb) } }],
  add(ctx) {
    // the peak is of the visible points: recompute it when the view settles
    moveHandler = () => {
      if (visible) ctx.requestDeckRender();
    };
    ctx.map.on('moveend', moveHandler);
  },
  remove(ctx) {
    if (moveHandler) ctx.map.off('moveend', moveHandler);
    moveHandler = null;
  },
  setVisible(ctx, on) {
    visible = on;
    ctx.requestDeckRender();
  },
  deckLayers(ctx) {
    const f = hotspotStore.filtered;
    if (!f) return [];
    const b = ctx.map.getBounds();
    // robust top of the colour scale (95th percentile of the visible density, not its maximum)
    const peak = heatDomain(f.positions, f.count, { bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: ctx.map.getZoom() }, RADIUS_PX).top;
    return [
      new CpuDomainHeatmapLayer({
        id: 'hs-heatmap',
        data: (memo?.version === hotspotStore.filterVersion
          ? memo
          : (memo = {
              version: hotspotStore.filterVersion,
              data: { length: f.count, attributes: { getPosition: { value: f.positions.subarray(0, 2 * f.count), size: 2 } } },
            })
        ).data,
        updateTriggers: { getPosition: hotspotStore.filterVersion },
        peakDensity: peak,
        radiusPixels: RADIUS_PX,
        intensity: 1,
        threshold: THRESHOLD,
        opacity: 0.8,
        colorRange: theme.heat,
        debounceTimeout: 0,
        // 512² weights texture: plenty for a district view, and 16x less fill work than the 2048² default
        weightsTextureSize: 512,
      } as never),
    ];
  },
};
