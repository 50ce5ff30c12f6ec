import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ANY_ROLE_SCOPED, jobScope } from '../auth/policy';
import { QUEUED_KINDS } from '../jobs/handlers';
import { JobRunner } from '../jobs/runner';
import { failInterruptedJobs, listJobs, type JobListQuery } from '../jobs/store';
import type { Jobs } from '../jobs/types';
import { invalidateIncidentColumns } from '../hotspots/incident-columns';
import { invalidateTiles } from '../tiles';
import { ConflictError, NotFoundError } from '../errors';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: Jobs;
  }
}

export interface JobsPluginOptions {
  /**
   * Jobs on the pg-boss queue (PostGIS-server backend only): the database URL the queue and the
   * workers use, and how many queue workers run inside this process (0: only enqueue; workers
   * are `npm run worker` processes). Without it jobs run in-process (server/jobs/runner.ts).
   */
  queue?: { databaseUrl: string; workers: number };
}

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    progress: { type: 'number' },
    message: { type: ['string', 'null'] },
    attempts: { type: 'integer', description: 'runs so far (a queued job runs again after a failed run or a lost worker; 3 runs in all)' },
    dead_letter: { type: 'boolean', description: 'every run failed: the job is in the dead-letter queue; message is the last error' },
    worker: { type: ['string', 'null'], description: 'the queue worker (host/pid) running or last running it; null in-process' },
    params: { type: 'object', additionalProperties: true },
    result: { type: ['object', 'null'], additionalProperties: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** Whose jobs the caller reads: their own (admins and a server without sign-in: every job). */
const jobReader = (req: FastifyRequest): number | null => (req.user && req.user.role !== 'admin' ? req.user.id : null);

const jobListItem = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: jobSchema.properties.status,
    progress: { type: 'number' },
    message: { type: ['string', 'null'], description: "progress, or the error of a failed job (the last run's for a dead letter)" },
    attempts: jobSchema.properties.attempts,
    dead_letter: jobSchema.properties.dead_letter,
    worker: jobSchema.properties.worker,
    subdistricts: { type: ['array', 'null'], items: { type: 'string' }, description: 'the sub-districts the job works on; null: all or none named' },
    created_by: { type: ['string', 'null'], description: 'user name of who started it' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'kind', 'status', 'progress', 'message', 'attempts', 'dead_letter', 'created_at', 'updated_at'],
} as const;

const routes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { status?: JobListQuery['status']; kind?: string; limit?: number } }>(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Recent jobs, newest first (admins: all; others: the jobs they started and those of their sub-districts)',
        description:
          'status: queued, running, succeeded, failed, or dead_letter (every run failed; message is the error). kind: partition, units, groups, import, patrol-plan, …',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'dead_letter'] },
            kind: { type: 'string', pattern: '^[a-z][a-z-]{0,31}$' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: jobListItem } }, required: ['jobs'] } },
      },
      config: { access: { roles: ['planner', 'coordinator', 'leader', 'admin'] } },
    },
    async (req) => {
      const u = req.user;
      const jobs = await listJobs(app.db, {
        status: req.query.status,
        kind: req.query.kind,
        limit: req.query.limit ?? 50,
        scope: u && u.role !== 'admin' ? { userId: u.id, prefixes: u.subdistricts } : null,
      });
      return { jobs };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Status and progress (0..1) of a long job (only the user who started it, and admins)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: { 200: jobSchema },
      },
    },
    async (req) => {
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) throw new NotFoundError(`任务 ${req.params.id} 不存在 (job ${req.params.id} does not exist)`);
      return job;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/jobs/:id/cancel',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a running job you started, within your sub-districts (admins: any job; it stops and writes nothing); 409 when it is no longer running',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: { 200: jobSchema },
      },
      // whoever started the job (a coordinator their patrol plan, a planner their partition), within
      // their sub-districts; admins any job
      config: { access: ANY_ROLE_SCOPED, scopeOf: jobScope },
    },
    async (req) => {
      // only the user who started the job (and admins) may cancel it: others do not see it (404)
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) throw new NotFoundError(`任务 ${req.params.id} 不存在 (job ${req.params.id} does not exist)`);
      if (!(await app.jobs.cancel(job.id)))
        throw new ConflictError(`任务 ${job.id} 已结束（${job.status}），无法取消 (job ${job.id} has ended: ${job.status})`);
      await app.jobs.settled(job.id);
      return (await app.jobs.get(job.id)) ?? job;
    },
  );

  // Server-sent events: progress pushed to the UI until the job ends.
  app.get<{ Params: { id: string } }>(
    '/jobs/:id/events',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Progress of a job as server-sent events (only the user who started it, and admins)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
      },
    },
    async (req, reply) => {
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) throw new NotFoundError(`任务 ${req.params.id} 不存在 (job ${req.params.id} does not exist)`);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const send = (e: { status: string }) => {
        res.write(`data: ${JSON.stringify(e)}\n\n`);
        if (e.status === 'succeeded' || e.status === 'failed') close();
      };
      const channel = `job:${job.id}`;
      const close = () => {
        app.jobs.events.off(channel, send);
        res.end();
      };
      send(job);
      if (job.status === 'succeeded' || job.status === 'failed') return;
      app.jobs.events.on(channel, send);
      req.raw.on('close', () => app.jobs.events.off(channel, send));
    },
  );
};

/**
 * The job runner (decorated as app.jobs) and the job status routes: the in-process runner, or the
 * pg-boss queue (loaded only then: the embedded backend never loads pg-boss).
 */
export default fp<JobsPluginOptions>(async (app, opts) => {
  const q = opts.queue;
  // queued jobs are not this process's: the queue runs them again when their worker died
  const n = await failInterruptedJobs(app.db, q ? QUEUED_KINDS : []);
  if (n) app.log.warn({ jobs: n }, 'marked interrupted jobs as failed');
  let jobs: Jobs;
  if (q) {
    const { QueuedJobs } = await import('../jobs/queue');
    jobs = await QueuedJobs.open(app.db, { ...q, log: (level, msg, extra) => app.log[level](extra ?? {}, msg) });
    app.log.info({ workers: q.workers }, 'jobs on the pg-boss queue');
    // a units build or an import run by another process changed what tiles show (in-process they invalidate themselves)
    jobs.events.on('written', (e: { kind: string; remote?: boolean }) => {
      if (e.remote && (e.kind === 'units' || e.kind === 'import')) invalidateTiles(app.db);
      if (e.remote && e.kind === 'import') invalidateIncidentColumns(app.db);
    });
  } else {
    jobs = new JobRunner(app.db);
  }
  app.decorate('jobs', jobs);
  app.addHook('onClose', async () => app.jobs.close());
  await app.register(routes, { prefix: '/api' });
});
