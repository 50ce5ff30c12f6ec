/** The deck.gl overlay on the MapLibre map, NON-interleaved (its own canvas above the map). */
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MlMap, IControl } from 'maplibre-gl';

export function createOverlay(map: MlMap): MapLibreOverlay {
  const overlay = new MapLibreOverlay({ interleaved: false, layers: [], useDevicePixels: true });
  map.addControl(overlay as unknown as IControl);
  return overlay;
}
