/**
 * Holds the map's repaints while an answer the user waits for is in flight (a plan edit's save),
 * so that the answer is handled as soon as it arrives instead of after map frames that would start
 * meanwhile: with software rendering a frame blocks the page for 50-300 ms. Repaints asked for
 * while held (tile updates, feature states) are done in one frame on release; the hold ends by
 * itself after `maxMs`, and at once when the user moves the map (a pan or zoom is never held).
 * A frame already scheduled but not started is postponed too (MapLibre keeps it as the private
 * `_frameRequest`, an AbortController; without it, that frame just runs).
 */
import type { Map as MlMap } from 'maplibre-gl';

export function holdFrames(map: MlMap, maxMs = 250): () => void {
  let wanted = false;
  let released = false;
  const scheduled = map as unknown as { _frameRequest?: AbortController | null };
  if (scheduled._frameRequest) {
    scheduled._frameRequest.abort();
    scheduled._frameRequest = null;
    wanted = true;
  }
  // an own-property override of the prototype method; deleting it restores MapLibre's
  map.triggerRepaint = () => {
    wanted = true;
  };
  const release = () => {
    if (released) return;
    released = true;
    clearTimeout(timer);
    map.off('movestart', release);
    delete (map as Partial<Pick<MlMap, 'triggerRepaint'>>).triggerRepaint;
    if (wanted) map.triggerRepaint();
  };
  const timer = setTimeout(release, maxMs);
  map.on('movestart', release);
  return release;
}
