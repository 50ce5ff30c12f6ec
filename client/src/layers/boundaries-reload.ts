/**
 * Reads the sub-district and community outlines and their label points again (after a boundary
 * import): the two layer modules load them once as GeoJSON sources, which tiles reloading does not
 * touch. Sources that are not on the map (layer not added yet) are skipped.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Api } from '../api';

export async function reloadBoundaries(map: MlMap, api: Api): Promise<void> {
  const sources: Array<[string, () => Promise<unknown>]> = [
    ['subdistricts', () => api.subdistricts()],
    ['communities', () => api.communities()],
    ['subdistricts-label', () => api.labels('subdistricts')],
    ['communities-label', () => api.labels('communities')],
  ];
  await Promise.all(
    sources.map(async ([id, load]) => {
      const src = map.getSource(id) as GeoJSONSource | undefined;
      if (src) src.setData((await load()) as Parameters<GeoJSONSource['setData']>[0]);
    }),
  );
}
