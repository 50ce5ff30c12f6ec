/** Hot spot statistics (pure): public API for the server plugin, CLI, bench and client. */
export { analyzeHotSpots, hotSpotsFromValues, type Zone, type ZoneHotSpot, type HotSpotOptions, type HotSpotResult } from './analyze';
export { HOTSPOT_CLASSES, classifyHotSpot, type HotSpotClass } from './classify';
export { queenContiguity, edgeCount, type ContiguityOptions } from './contiguity';
export { countPointsInZones, zoneLocator, type CountOptions, type CountResult } from './count';
export { benjaminiHochberg } from './fdr';
export { DEFAULT_SNAP, bboxOf, zoneContains, type ZoneGeometry } from './geometry';
export { getisOrdGiStar, type GiStarResult } from './gistar';
export { mannKendall, type MannKendallResult } from './mann-kendall';
export { normalCdf, twoSidedP, erfc } from './normal';
export {
  emergingHotSpots,
  emergingPattern,
  spaceTimeGiStar,
  EMERGING_PATTERNS,
  type EmergingPattern,
  type EmergingOptions,
  type EmergingZone,
} from './emerging';
export { ratePer1000, ratesPer1000, suppressSmall } from '../../../common/hotspots/rates';
export { equalIntervalBreaks, quantileBreaks, jenksBreaks, classOf } from '../../../common/hotspots/breaks';
