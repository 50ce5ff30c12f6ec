import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ANY_ROLE_SCOPED, jobScope } from '../auth/policy';
import { QUEUED_KINDS } from '../jobs/handlers';
import { JobRunner } from '../jobs/runner';
import { failInterruptedJobs } from '../jobs/store';
import type { Jobs } from '../jobs/types';
import { invalidateTiles } from '../tiles';

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

const routes: FastifyPluginAsync = async (app) => {
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
    async (req, reply) => {
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `任务 ${req.params.id} 不存在` });
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
    async (req, reply) => {
      // only the user who started the job (and admins) may cancel it: others do not see it (404)
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `任务 ${req.params.id} 不存在` });
      if (!(await app.jobs.cancel(job.id))) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `任务 ${job.id} 已结束（${job.status}），无法取消` });
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
      if (!job) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `任务 ${req.params.id} 不存在` });
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
    // a units build run by another process changed what tiles show (in-process it invalidates itself)
    jobs.events.on('written', (e: { kind: string; remote?: boolean }) => {
      if (e.remote && e.kind === 'units') invalidateTiles(app.db);
    });
  } else {
    jobs = new JobRunner(app.db);
  }
  app.decorate('jobs', jobs);
  app.addHook('onClose', async () => app.jobs.close());
  await app.register(routes, { prefix: '/api' });
});
