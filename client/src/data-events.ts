/**
 * "The district's data changed" (an import was written): one tiny publish/subscribe so that what
 * was read once at start (the map's extent and tiles, the header's district name, the partition
 * form's sub-district list) is read again. No I/O here.
 */
export type DataChange = { layer: string | null };

const listeners = new Set<(c: DataChange) => void>();

export function onDataChanged(fn: (c: DataChange) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function dataChanged(change: DataChange): void {
  for (const fn of [...listeners]) {
    try {
      fn(change);
    } catch (e) {
      console.error(e);
    }
  }
}
