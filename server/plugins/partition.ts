import type { FastifyPluginAsync } from 'fastify';
import { PartitionRequestError, publishedPlansOf, type PartitionRequest } from '../partition/service';
import { OutOfScopeError, writableSubdistricts } from '../auth/scope';
import { InvalidRequestError } from '../errors';

const SUB = { type: 'string', pattern: '^\\d{9}$' } as const;

/** POST /api/partition starts a job that partitions sub-districts into grids and saves a draft plan. */
const partitionPlugin: FastifyPluginAsync = async (app) => {
  app.post<{
    Body: {
      subdistrict?: string;
      subdistricts?: string[];
      all?: boolean;
      min?: number;
      max?: number;
      target?: number;
      seed?: number;
      previousPlan?: number;
      name?: string;
    };
  }>(
    '/partition',
    {
      schema: {
        tags: ['partition'],
        summary: 'Start an automatic partition job (progress: GET /api/jobs/:id); the result is saved as a draft plan',
        body: {
          type: 'object',
          properties: {
            subdistrict: SUB,
            subdistricts: { type: 'array', items: SUB, minItems: 1, maxItems: 200 },
            all: { type: 'boolean' },
            min: { type: 'integer', minimum: 1, maximum: 100000 },
            max: { type: 'integer', minimum: 1, maximum: 100000 },
            target: { type: 'integer', minimum: 1, maximum: 100000 },
            seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
            previousPlan: { type: 'integer', minimum: 1 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
          additionalProperties: false,
        },
        response: {
          202: { type: 'object', properties: { jobId: { type: 'string' } }, required: ['jobId'] },
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      let subs: string[] | 'all' | null = b.all ? 'all' : (b.subdistricts ?? (b.subdistrict ? [b.subdistrict] : null));
      if (!subs) throw new InvalidRequestError('请指定街道（subdistrict）或 all: true (name the sub-districts, or all: true)');
      if (subs === 'all' && req.user && req.user.role !== 'admin') {
        // `all` means all in the caller's scope (named sub-districts are checked by the scope hook)
        const known = await app.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id');
        subs = writableSubdistricts(
          req.user,
          known.rows.map((r) => r.id),
        );
        if (!subs.length) throw new OutOfScopeError('您负责的范围内没有可划分的街道 (there are no sub-districts to partition in your area)');
      }
      const min = b.min ?? 300;
      const max = b.max ?? 500;
      if (min > max) throw new InvalidRequestError(`最小户数 ${min} 大于最大户数 ${max} (min ${min} is above max ${max})`);
      if (b.target !== undefined && (b.target < min || b.target > max)) {
        throw new InvalidRequestError(`目标户数 ${b.target} 不在 ${min}–${max} 之间 (target ${b.target} is outside ${min}–${max})`);
      }
      if (subs !== 'all') {
        const r = await app.db.query<{ id: string }>('SELECT id FROM subdistricts WHERE id = ANY($1::text[])', [subs]);
        const missing = subs.filter((s) => !r.rows.some((x) => x.id === s));
        if (missing.length) throw new InvalidRequestError(`未知的街道编码：${missing.join('、')} (unknown sub-district codes: ${missing.join(', ')})`);
      }
      if (b.previousPlan !== undefined) {
        const r = await app.db.query('SELECT 1 FROM plans WHERE id = $1', [b.previousPlan]);
        if (!r.rows.length) throw new InvalidRequestError(`上一方案 ${b.previousPlan} 不存在 (previous plan ${b.previousPlan} does not exist)`);
      }
      const request: PartitionRequest = {
        subdistricts: subs,
        min,
        max,
        target: b.target,
        seed: b.seed,
        previousPlan: b.previousPlan,
        name: b.name,
        author: (req as { user?: { username?: string } }).user?.username ?? 'planner',
      };
      const jobId = await app.jobs.start('partition', { ...request }, req.user?.id ?? null);
      return reply.code(202).send({ jobId });
    },
  );

  // "Re-partition keeping what holds": after households change (a new register, units rebuilt), a
  // warm start from the published plan: units start in the published grid holding their point.
  app.post<{ Body: { subdistricts?: string[]; all?: boolean; min?: number; max?: number; target?: number; name?: string } }>(
    '/partition/repartition',
    {
      schema: {
        tags: ['partition'],
        summary:
          "Re-partition keeping what holds: a warm start from the published plan of the sub-districts (a job; the draft plan's result gives the share of units moved)",
        body: {
          type: 'object',
          properties: {
            subdistricts: { type: 'array', items: SUB, minItems: 1, maxItems: 200 },
            all: { type: 'boolean' },
            min: { type: 'integer', minimum: 1, maximum: 100000 },
            max: { type: 'integer', minimum: 1, maximum: 100000 },
            target: { type: 'integer', minimum: 1, maximum: 100000 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
          additionalProperties: false,
        },
        response: { 202: { type: 'object', properties: { jobId: { type: 'string' } }, required: ['jobId'] } },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const known = (await app.db.query<{ id: string }>('SELECT id FROM subdistricts ORDER BY id')).rows.map((r) => r.id);
      let subs: string[];
      if (b.all) {
        subs = writableSubdistricts(req.user, known);
        if (!subs.length) throw new OutOfScopeError('您负责的范围内没有可划分的街道 (there are no sub-districts to partition in your area)');
      } else if (b.subdistricts) {
        subs = b.subdistricts;
        const missing = subs.filter((s) => !known.includes(s));
        if (missing.length) throw new PartitionRequestError(`未知的街道编码：${missing.join('、')} (unknown sub-district codes: ${missing.join(', ')})`);
      } else throw new PartitionRequestError('请指定街道（subdistricts）或 all: true (give subdistricts or all: true)');
      const min = b.min ?? 300;
      const max = b.max ?? 500;
      if (min > max) throw new PartitionRequestError(`最小户数 ${min} 大于最大户数 ${max} (min ${min} is above max ${max})`);
      if (b.target !== undefined && (b.target < min || b.target > max))
        throw new PartitionRequestError(`目标户数 ${b.target} 不在 ${min}–${max} 之间 (target ${b.target} is outside ${min}–${max})`);
      if (!(await publishedPlansOf(app.db, subs)).length)
        throw new PartitionRequestError(
          '这些街道还没有已发布的方案：请先自动划分并发布，再“保留原网格重新划分” (these sub-districts have no published plan yet: partition automatically and publish first, then re-partition keeping the grids)',
        );
      const request: PartitionRequest = {
        subdistricts: subs,
        min,
        max,
        target: b.target,
        keepPublished: true,
        name: b.name ?? `保留原网格重新划分 ${new Date().toISOString().slice(0, 10)}`,
        author: req.user?.username ?? 'planner',
      };
      const jobId = await app.jobs.start('partition', { ...request }, req.user?.id ?? null);
      return reply.code(202).send({ jobId });
    },
  );
};

export default partitionPlugin;
