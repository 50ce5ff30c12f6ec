/**
 * Units from raw data (pure, no I/O): street roles, planar noding and polygonizing, blocks, units,
 * and the whole district pipeline to grids. The CLI `partition-district` calls partitionDistrict;
 * the server can call the same modules for "units from raw data".
 */
export { partitionDistrict, type DistrictInput, type DistrictOptions, type DistrictResult, type GridFeature } from './pipeline';
export { buildUnitsStage, type UnitsStageInput, type UnitsStageResult } from './stage';
export { prepareAreas, type Area, type AreaFeature, type Community } from './areas';
export { buildBlocks, type Block, type BlockOptions } from './blocks';
export { isStreetSliver, meanWidth, SLIVER_MEAN_WIDTH_M } from './sliver';
export { buildUnits, shareVertices, majorityCompound, type UnitsResult } from './units';
export { nodeLines, polygonize, interiorPoint, pointInRings, type Face, type Pt } from './planar';
export { lineRole, parseOtherTags } from './street-roles';
export * from './types';
export { isWaterArea } from './street-roles';
