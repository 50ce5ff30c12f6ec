/** Hot/cold classes at the 99/95/90 % levels, as used by the leader views and the CLI contract. */
export const HOTSPOT_CLASSES = ['hot99', 'hot95', 'hot90', 'ns', 'cold90', 'cold95', 'cold99'] as const;
export type HotSpotClass = (typeof HOTSPOT_CLASSES)[number];

/**
 * Class from a z-score and the significance value used for the decision (BH q, or raw p with
 * --no-fdr): the strictest of 0.01 / 0.05 / 0.10 that holds, hot when z > 0, cold when z < 0.
 */
export function classifyHotSpot(z: number, significance: number): HotSpotClass {
  if (!(z !== 0) || Number.isNaN(z) || Number.isNaN(significance)) return 'ns';
  const level = significance <= 0.01 ? '99' : significance <= 0.05 ? '95' : significance <= 0.1 ? '90' : null;
  if (level === null) return 'ns';
  return `${z > 0 ? 'hot' : 'cold'}${level}` as HotSpotClass;
}
