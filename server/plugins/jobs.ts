import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { JobRunner } from '../jobs/runner';
import { failInterruptedJobs } from '../jobs/store';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobRunner;
  }
}

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    progress: { type: 'number' },
    message: { type: ['string', 'null'] },
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
        summary: 'Cancel a running job (a partition stops at once and writes nothing); 409 when it is no longer running',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: { 200: jobSchema },
      },
      config: { access: { roles: ['planner', 'admin'] } },
    },
    async (req, reply) => {
      // only the user who started the job (and admins) may cancel it: others do not see it
      const job = await app.jobs.get(req.params.id, jobReader(req));
      if (!job) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `任务 ${req.params.id} 不存在` });
      if (!app.jobs.cancel(job.id)) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `任务 ${job.id} 已结束（${job.status}），无法取消` });
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

/** The job runner (decorated as app.jobs) and the job status routes. */
export default fp(async (app) => {
  const n = await failInterruptedJobs(app.db);
  if (n) app.log.warn({ jobs: n }, 'marked interrupted jobs as failed');
  app.decorate('jobs', new JobRunner(app.db));
  app.addHook('onClose', async () => app.jobs.idle());
  await app.register(routes, { prefix: '/api' });
});
