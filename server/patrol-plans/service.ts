/**
 * Generating a weekly patrol plan and saving it as a draft, with its audit row, in ONE transaction:
 * the work of the `patrol-plan` job (server/jobs/handlers.ts: in the server, or in a `npm run
 * worker` process on the PostGIS server) and of POST /api/patrols/plans with wait = true. Nothing
 * is written before the plan is complete, so a cancelled or cut-off run leaves nothing behind and
 * can run again.
 */
import type { Db, Queryable } from '../db';
import { audit, type AuditActor } from '../audit/log';
import { JobCancelledError } from '../jobs/cancelled';
import { generatePlan, type PlanRequest } from './generate';
import { savePlan } from './store';

/** Writes the audit row of the generation in the plan's transaction. */
export type PlanAuditHook = (tx: Queryable, e: { action: string; entity: string; entityId: number; after: unknown }) => Promise<void>;

export interface GenerateAndSaveOptions {
  /** the username stored as the plan's author */
  author: string | null;
  /** the audit row (default: one naming `actor`, or the author) */
  audit?: PlanAuditHook;
  /** who asked, for the default audit row (a job carries it in its params) */
  actor?: AuditActor;
  progress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface GenerateAndSaveResult {
  planId: number;
  subdistrict: string;
  week: string;
  patrols: number;
  zones: number;
  coverage: number;
  plan_ms: number;
}

export async function generateAndSavePlan(db: Db, rq: PlanRequest, o: GenerateAndSaveOptions): Promise<GenerateAndSaveResult> {
  const stopIfCancelled = () => {
    if (o.signal?.aborted) throw new JobCancelledError();
  };
  const g = await generatePlan(db, rq, (f, m) => {
    stopIfCancelled();
    o.progress?.(Math.min(0.95, f), m);
  });
  stopIfCancelled();
  const after = { subdistrict: g.subdistrict, week: g.week_start, patrols: g.patrols.length, coverage: g.coverage };
  const id = await db.transaction(async (tx) => {
    const id = await savePlan(tx, g, o.author);
    if (o.audit) await o.audit(tx, { action: 'patrol.plan.generate', entity: 'patrol_plan', entityId: id, after });
    else await audit(tx, { actor: o.actor ?? o.author ?? 'system', action: 'patrol.plan.generate', entity: 'patrol_plan', entityId: id, after });
    return id;
  });
  return {
    planId: id,
    subdistrict: g.subdistrict,
    week: g.week_start,
    patrols: g.patrols.length,
    zones: g.zones.length,
    coverage: g.coverage.generated.share,
    plan_ms: g.plan_ms,
  };
}

/** The job's params: the plan request and who asked (JSON, so any worker process can run it). */
export interface PlanJobParams extends PlanRequest {
  author: string | null;
  actor?: AuditActor;
}

/** The `patrol-plan` job's work (server/jobs/handlers.ts). */
export function runPlanJob(
  db: Db,
  params: Record<string, unknown>,
  report: (f: number, m: string) => void,
  signal: AbortSignal,
): Promise<GenerateAndSaveResult> {
  const { author, actor, ...rq } = params as unknown as PlanJobParams;
  return generateAndSavePlan(db, rq, { author: author ?? null, actor, progress: report, signal });
}
