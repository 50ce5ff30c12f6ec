/**
 * The "build units" job: for chosen sub-districts, read outlines, streets, water, buildings and
 * households from the database (load.ts), run the pure units stage in a worker thread, and write
 * blocks, compounds and units with the data-quality report in one transaction (write.ts). A
 * cancelled job (AbortSignal) terminates the worker or rolls the transaction back: nothing is written.
 */
import type { Db, Queryable } from '../db';
import { JobCancelledError } from '../jobs/cancelled';
import { forgetUnitGraphs } from '../plans/unit-graph';
import { invalidateTiles } from '../tiles';
import { runInWorker } from '../workers/run-in-worker';
import { loadUnitsInput } from './load';
import { mergeReports, type QualityReport } from './quality';
import type { UnitsJobInput, UnitsJobOutput } from './stage-output';
import { writeUnits } from './write';

export interface UnitsBuildRequest {
  subdistricts: string[];
  /** a block holding more households is split into several units (the band's max; default 500) */
  splitAbove?: number;
  author?: string;
  jobId?: string | null;
}

export class UnitsRequestError extends Error {
  readonly statusCode = 400;
}

const WORKER = new URL('./worker.ts', import.meta.url);

export async function buildUnitsForSubdistricts(
  db: Db,
  req: UnitsBuildRequest,
  report: (fraction: number, message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const subs = [...new Set(req.subdistricts)].sort();
  if (!subs.length)
    throw new UnitsRequestError(
      '没有可生成单元的街道（请先导入街道边界） (there are no sub-districts to generate units for; import sub-district boundaries first)',
    );
  const known = (await db.query<{ id: string }>('SELECT id FROM subdistricts WHERE id = ANY($1::text[])', [subs])).rows.map((r) => r.id);
  const unknown = subs.filter((s) => !known.includes(s));
  if (unknown.length) throw new UnitsRequestError(`未知的街道编码：${unknown.join('、')} (unknown sub-district codes: ${unknown.join(', ')})`);
  const checkCancelled = () => {
    if (signal?.aborted) throw new JobCancelledError();
  };

  report(0.02, '读取边界、道路、建筑和住户登记 (reading boundaries, streets, buildings and the household register)');
  const loaded = await loadUnitsInput(db, subs);
  const tLoad = Date.now();
  checkCancelled();
  const out = await runInWorker<UnitsJobInput, UnitsJobOutput>(
    WORKER,
    { input: loaded.input, splitAbove: req.splitAbove ?? 500 },
    (f, m) => report(0.1 + 0.7 * f, `生成单元：${m} (generating units: ${m})`),
    signal,
  );
  checkCancelled();
  const tStage = Date.now();
  report(0.82, `写入 ${out.blocks.length} 个街块、${out.units.length} 个单元 (writing ${out.blocks.length} blocks and ${out.units.length} units)`);
  const w = await db.transaction((tx: Queryable) =>
    writeUnits(tx, subs, loaded, out, { author: req.author ?? 'system', jobId: req.jobId ?? null, checkCancelled }),
  );
  invalidateTiles(db);
  forgetUnitGraphs(db);
  const quality = mergeReports(subs.map((s) => w.reports[s]));
  return {
    subdistricts: subs,
    builds: w.builds,
    source: loaded.source,
    blocks: w.blocks,
    blocksSkipped: w.blocksSkipped,
    units: w.units,
    unitsKept: w.unitsKept,
    unitsRetired: w.unitsRetired,
    unitsDeleted: w.unitsDeleted,
    compoundsCreated: w.compoundsCreated,
    households: w.households,
    rows: loaded.input.rows.length,
    stats: out.stats,
    quality: quality as unknown as Record<string, unknown>,
    ms: Date.now() - t0,
    load_ms: tLoad - t0,
    stage_ms: tStage - tLoad,
    write_ms: Date.now() - tStage,
  };
}

/** The latest build's report of each given sub-district, merged, with the builds it came from. */
export async function latestQuality(db: Queryable, subs: string[]): Promise<{ builds: Array<Record<string, unknown>>; report: QualityReport }> {
  const r = await db.query<{
    id: string;
    subdistrict_id: string;
    source: string;
    stats: Record<string, unknown>;
    report: QualityReport;
    created_at: string;
    job_id: string | null;
  }>(
    `SELECT DISTINCT ON (subdistrict_id) id, subdistrict_id, source, stats, report, created_at::text AS created_at, job_id
     FROM unit_builds WHERE subdistrict_id = ANY($1::text[]) ORDER BY subdistrict_id, id DESC`,
    [subs],
  );
  return {
    builds: r.rows.map((x) => ({
      id: Number(x.id),
      subdistrict: x.subdistrict_id,
      source: x.source,
      stats: x.stats,
      created_at: x.created_at,
      job_id: x.job_id,
    })),
    report: mergeReports(r.rows.map((x) => x.report)),
  };
}
