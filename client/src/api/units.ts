/**
 * Units from raw data (server/units/plugin.ts): start the "build units" job for sub-districts and
 * read the data-quality report of their latest build. Progress and cancel: the jobs API in plans.ts.
 */
import type { JobStarted } from '../../../common/http/jobs';
import type { UnitsBuildBody, UnitsQuality } from '../../../common/http/units';
import { getJson, sendJson } from './http';

export { QUALITY_KINDS } from '../../../common/http/units';
export type { QualityItem, QualityKind, QualityReport, UnitsBuildInfo, UnitsQuality } from '../../../common/http/units';

export const unitsApi = {
  build: (subdistricts: string[], splitAbove?: number) =>
    sendJson<JobStarted>('POST', '/api/units/build', { subdistricts, ...(splitAbove ? { splitAbove } : {}) } satisfies UnitsBuildBody),
  quality: (subdistricts: string[]) => getJson<UnitsQuality>(`/api/units/quality${subdistricts.length ? `?subdistricts=${subdistricts.join(',')}` : ''}`),
  repartition: (body: { subdistricts: string[]; min?: number; max?: number; target?: number }) =>
    sendJson<JobStarted>('POST', '/api/partition/repartition', body),
};
