/** The server request for the current filters and settings (pure). */
import type { HotSpotParams } from '../../api/hotspots';
import type { ClientFilter, Columns } from '../../state/hotspot-filter';
import type { Settings } from '../../state/hotspots';

/** null when the filters select nothing (no request needed). */
export function hotspotParams(cols: Columns, f: ClientFilter, s: Settings): HotSpotParams | null {
  const typesOn = cols.types.filter((_, k) => f.types[k] !== false);
  const hoursOn = Array.from({ length: 24 }, (_, h) => h).filter((h) => f.hours[h] !== false);
  const daysOn = Array.from({ length: 7 }, (_, d) => d).filter((d) => f.weekdays[d] !== false);
  if (!typesOn.length || !hoursOn.length || !daysOn.length || !(f.to > f.from)) return null;
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  return {
    zones: s.zones,
    mode: s.mode === 'emerging' ? 'emerging' : 'gistar',
    from: Number.isFinite(f.from) && f.from > cols.tMin ? iso(f.from) : undefined,
    to: Number.isFinite(f.to) && f.to <= cols.tMax ? iso(f.to) : undefined,
    types: typesOn.length === cols.types.length ? undefined : typesOn,
    hours: hoursOn.length === 24 ? undefined : hoursOn,
    weekdays: daysOn.length === 7 ? undefined : daysOn.map((d) => d + 1),
    fdr: s.fdr,
  };
}
