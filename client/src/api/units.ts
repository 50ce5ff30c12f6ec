/**
 * Units from raw data (server/units/plugin.ts): start the "build units" job for sub-districts and
 * read the data-quality report and the units of their latest build. Progress and cancel: the jobs API in plans.ts.
 */
import type { JobStarted } from '../../../common/http/jobs';
import type { BuiltUnits, UnitsBuildBody, UnitsQuality } from '../../../common/http/units';
import { getJson, sendJson } from './http';

export { QUALITY_KINDS, SLIVER_MEAN_WIDTH_M } from '../../../common/http/units';
export type { BuiltUnitProps, BuiltUnits, QualityItem, QualityKind, QualityReport, UnitsBuildInfo, UnitsQuality } from '../../../common/http/units';

export const unitsApi = {
  build: (subdistricts: string[], splitAbove?: number) =>
    sendJson<JobStarted>('POST', '/api/units/build', { subdistricts, ...(splitAbove ? { splitAbove } : {}) } satisfies UnitsBuildBody),
  quality: (subdistricts: string[]) => getJson<UnitsQuality>(`/api/units/quality${subdistricts.length ? `?subdistricts=${subdistricts.join(',')}` : ''}`),
  /** The units of the latest build of each sub-district (at most 20; those outside the caller's scope are left out). */
  built: (subdistricts: string[]) => getJson<BuiltUnits>(`/api/units?subdistricts=${subdistricts.join(',')}`),
  repartition: (body: { subdistricts: string[]; min?: number; max?: number; target?: number }) =>
    sendJson<JobStarted>('POST', '/api/partition/repartition', body),
};
