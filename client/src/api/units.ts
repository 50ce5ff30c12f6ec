/**
 * Units from raw data (server/units/plugin.ts): start the "build units" job for sub-districts and
 * read the data-quality report of their latest build. Progress and cancel: the jobs API in plans.ts.
 */
import { getJson, sendJson } from './http';

export type QualityKind = 'household_outside' | 'row_unplaced' | 'block_empty' | 'street_unclosed' | 'gap_healed' | 'community_missing';
export const QUALITY_KINDS: QualityKind[] = ['household_outside', 'row_unplaced', 'block_empty', 'street_unclosed', 'gap_healed', 'community_missing'];

export interface QualityItem {
  kind: QualityKind;
  subdistrict: string;
  ref: string;
  at: [number, number];
  bbox?: [number, number, number, number];
  households?: number;
}

export interface QualityReport {
  counts: Record<QualityKind, number>;
  households_outside: number;
  households_unplaced: number;
  items: QualityItem[];
  truncated: boolean;
  warnings: Array<{ code: string; message: string }>;
}

export interface UnitsBuildInfo {
  id: number;
  subdistrict: string;
  source: 'register' | 'buildings';
  stats: { blocks?: number; units?: number; households?: number };
  created_at: string;
}

export const unitsApi = {
  build: (subdistricts: string[], splitAbove?: number) =>
    sendJson<{ jobId: string }>('POST', '/api/units/build', { subdistricts, ...(splitAbove ? { splitAbove } : {}) }),
  quality: (subdistricts: string[]) =>
    getJson<{ builds: UnitsBuildInfo[]; report: QualityReport }>(`/api/units/quality${subdistricts.length ? `?subdistricts=${subdistricts.join(',')}` : ''}`),
  repartition: (body: { subdistricts: string[]; min?: number; max?: number; target?: number }) =>
    sendJson<{ jobId: string }>('POST', '/api/partition/repartition', body),
};
