/** Public API of the partition engine (pure, no I/O; runnable in a worker thread). */
export { partition, partitionGraph, resolveOptions } from './engine';
export { buildUnitGraph, type UnitGraph, type GraphOptions } from './graph';
export { checkGrids, subdistrictComponents, type GridCheck } from './constraints';
export { assignGridCodes, type CodeGridInput, type PreviousCodedGrid } from './codes';
export { tessellateBlocks, type TessellationBlock, type TessellationBuilding } from './tessellate';
export * from './types';
export { InputError, barriersFromGeoJSON, unitsFromGeoJSON } from './geojson';
export { makeRng } from './rng';
export { finalGridWarnings } from './warnings';
export { relaxedCompactness, type RelaxedParams } from './relaxed';
