/**
 * Weekly patrol plans through HTTP on both backends (lattice town of ./defense-fixture with planted
 * incidents): a cluster next to the shops on Friday evenings is patrolled by a group on Friday
 * evening and its held-out incidents are covered better than by random-shop routes of the same
 * length; a cluster beyond a 5-minute walk from every shop is reported as unreachable; an edit (slot
 * moved) is evaluated live and saved, one over the weekly count is refused with a plain message;
 * publish (stale version → 409), GPX of a planned patrol, a patrol log linked to a planned patrol
 * shows as done; bad input is 4xx; a coordinator of another sub-district is refused. Without
 * wait the generation is a `patrol-plan` job with progress events: run in the server, and on the
 * PostGIS server by a separate `npm run worker` process taking it from the pg-boss queue.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { createUser } from '../../server/auth/users';
import { BACKENDS, openTestDb, TEST_DATABASE_URL } from '../helpers/backends';
import { sessionFor, TEST_COST } from '../helpers/auth';
import { insertLatticeTown, SUB } from './defense-fixture';
import { startWorkerProcess, type WorkerProcess } from '../faults/worker-process';

/** Monday 2026-07-06 00:00 Asia/Shanghai, epoch ms */
const MONDAY = Date.UTC(2026, 6, 6) - 8 * 3600e3;
const WEEKS = 16;
const CLUSTER = [117.0535, 30.5212] as const;
const FAR = [117.0555, 30.5296] as const;

function incidents(): { id: string; t: string; lon: number; lat: number }[] {
  let s = 42;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: { id: string; t: string; lon: number; lat: number }[] = [];
  const add = (ms: number, lon: number, lat: number) => out.push({ id: `pi${out.length}`, t: new Date(ms).toISOString(), lon, lat });
  for (let w = 0; w < WEEKS; w++) {
    const week = MONDAY + w * 7 * 86400e3;
    // Friday 20:00-21:59 next to the shops
    for (let k = 0; k < 12; k++)
      add(
        week + 4 * 86400e3 + (20 + (k % 2)) * 3600e3 + Math.floor(rand() * 3600e3),
        CLUSTER[0] + (rand() - 0.5) * 0.002,
        CLUSTER[1] + (rand() - 0.5) * 0.0016,
      );
    // Tuesday 09:00-10:59 far from every shop
    for (let k = 0; k < 10; k++)
      add(week + 86400e3 + (9 + (k % 2)) * 3600e3 + Math.floor(rand() * 3600e3), FAR[0] + (rand() - 0.5) * 0.002, FAR[1] + (rand() - 0.5) * 0.0006);
    // background anywhere in town, any time
    for (let k = 0; k < 6; k++) add(week + Math.floor(rand() * 7 * 86400e3), 117.05 + rand() * 0.01, 30.52 + rand() * 0.01);
  }
  return out;
}

describe.each(BACKENDS)('patrol plans API on %s', (backend) => {
  let app: FastifyInstance;
  let plan: any;
  let firstCoverage: any;
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers?: Record<string, string>) =>
    app.inject({ method, url, payload: payload as object, headers });

  beforeAll(async () => {
    const db = await openTestDb(backend);
    await insertLatticeTown(db);
    await db.query(
      `INSERT INTO incidents (id, type, occurred_at, subdistrict_id, synthetic, geom)
       SELECT x.id, 'public_order', x.t::timestamptz, $2, true, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, t text, lon float8, lat float8)`,
      [JSON.stringify(incidents()), SUB],
    );
    app = await buildApp({ db });
    await inject('POST', '/api/groups/auto', { subdistrict: SUB, wait: true });
  }, 120_000);
  afterAll(async () => {
    const db = app?.db;
    await app?.close();
    await db?.close();
  });

  it('generates a plan: the Friday-evening cluster is patrolled on Friday evening, the far one reported', async () => {
    // minLengthM 0: the mini-district is a few hundred metres across; 600 m loops (the default) reach
    // every corner of it, random routes of that length too, and the 2x-random check below says nothing
    const r = await inject('POST', '/api/patrols/plans', {
      subdistrict: SUB,
      week: '2026-11-02',
      weeks: 12,
      holdoutWeeks: 4,
      until: '2026-10-25',
      zones: 'hex',
      cellM: 100,
      minLengthM: 0,
      wait: true,
    });
    expect(r.statusCode, r.body).toBe(200);
    plan = r.json().plan;
    firstCoverage = plan.coverage;
    expect(plan.params.minLengthM).toBe(0);
    expect(plan.status).toBe('draft');
    expect(plan.week_start).toBe('2026-11-02');
    const near = (z: any, p: readonly number[]) => Math.hypot((z.lon - p[0]!) * 96000, (z.lat - p[1]!) * 111000) < 150;
    const cluster = plan.zones.find((z: any) => near(z, CLUSTER));
    expect(cluster, JSON.stringify(plan.zones)).toBeDefined();
    expect(cluster.peak_weekdays[0]).toBe(5);
    expect(cluster.peak_hours.slice(0, 2).sort()).toEqual([20, 21]);
    const fri = plan.patrols.filter((p: any) => p.zones.includes(cluster.id));
    expect(fri.some((p: any) => p.weekday === 5 && p.start_hour <= 20 && p.start_hour + p.hours >= 22)).toBe(true);
    const far = plan.zones.find((z: any) => near(z, FAR));
    expect(far).toBeDefined();
    expect(far.reach).toEqual([]);
    expect(plan.uncovered).toContainEqual({ id: far.id, reason: 'unreachable' });
    for (const p of plan.patrols) {
      const c = p.geometry.coordinates;
      expect(c[0]).toEqual(c[c.length - 1]);
      expect(p.length_m).toBeLessThanOrEqual(2000);
    }
    const perGroup = new Map<string, number>();
    for (const p of plan.patrols) perGroup.set(p.group, (perGroup.get(p.group) ?? 0) + 1);
    expect(Math.max(...perGroup.values())).toBeLessThanOrEqual(3);
    const c = plan.coverage;
    expect(c.generated.incidents).toBe(4 * 28);
    expect(c.generated.share).toBeGreaterThan(0.2);
    expect(c.generated.share).toBeGreaterThanOrEqual(2 * c.random.share);
    expect(Math.abs(c.random.length_m - c.generated.length_m)).toBeLessThan(0.5 * c.generated.length_m);
    expect(plan.progress.every((g: any) => g.done === 0 && g.planned >= 1)).toBe(true);
  });

  it('evaluates an edit live, saves it, refuses one over the weekly count', async () => {
    const edits = plan.patrols.map((p: any) => ({ group: p.group, weekday: p.weekday, start_hour: p.start_hour, hours: p.hours, stops: p.stops }));
    const k = edits.findIndex((e: any) => e.weekday === 5);
    const moved = edits.map((e: any, i: number) => (i === k ? { ...e, weekday: 2, start_hour: 3 } : e));
    const ev = await inject('POST', `/api/patrols/plans/${plan.id}/evaluate`, { patrols: moved });
    expect(ev.statusCode, ev.body).toBe(200);
    expect(ev.json().problems).toEqual([]);
    expect(ev.json().coverage.share).toBeLessThan(plan.coverage.generated.share);
    const over = [...edits, edits[0], edits[0], edits[0]];
    const bad = await inject('PUT', `/api/patrols/plans/${plan.id}`, { version: plan.version, patrols: over });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/超过每组每周 3 次/);
    const saved = await inject('PUT', `/api/patrols/plans/${plan.id}`, { version: plan.version, patrols: moved });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(plan.version + 1);
    expect(saved.json().coverage.generated.share).toBe(ev.json().coverage.share);
    const stale = await inject('PUT', `/api/patrols/plans/${plan.id}`, { version: plan.version, patrols: edits });
    expect(stale.statusCode).toBe(409);
    plan = saved.json();
  });

  it('publishes, exports GPX, links a patrol log and shows planned vs done; lists for leaders', async () => {
    expect((await inject('POST', `/api/patrols/plans/${plan.id}/publish`, { version: plan.version - 1 })).statusCode).toBe(409);
    const pub = await inject('POST', `/api/patrols/plans/${plan.id}/publish`, { version: plan.version });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().status).toBe('published');
    const p0 = pub.json().patrols[0];
    const gpx = await inject('GET', `/api/patrols/plans/${plan.id}/patrols/${p0.id}/gpx`);
    expect(gpx.statusCode).toBe(200);
    expect((gpx.body.match(/<trkpt /g) ?? []).length).toBe(p0.geometry.coordinates.length);
    const other = pub.json().patrols.find((p: any) => p.group !== p0.group);
    if (other) {
      const wrong = await inject('POST', `/api/groups/${other.group}/patrol-logs`, {
        patrolled_at: '2026-11-06T12:00:00Z',
        patrollers: '张三',
        planned_patrol_id: p0.id,
      });
      expect(wrong.statusCode).toBe(422);
    }
    const log = await inject('POST', `/api/groups/${p0.group}/patrol-logs`, {
      patrolled_at: '2026-11-06T12:00:00Z',
      patrollers: '张三、李四',
      planned_patrol_id: p0.id,
    });
    expect(log.statusCode, log.body).toBeLessThan(300);
    const after = (await inject('GET', `/api/patrols/plans/${plan.id}`)).json();
    const g = after.progress.find((x: any) => x.group === p0.group);
    expect(g.done).toBe(1);
    expect(after.patrols.find((p: any) => p.id === p0.id).done).toBe(1);
    const list = (await inject('GET', `/api/patrols/plans?subdistrict=${SUB}&status=published`)).json().plans;
    expect(list.map((x: any) => x.id)).toEqual([plan.id]);
    expect(list[0].done).toBe(1);
    expect(list[0].coverage.generated.share).toBe(after.coverage.generated.share);
    const edit = await inject('PUT', `/api/patrols/plans/${plan.id}`, { version: after.version, patrols: [] });
    expect(edit.statusCode).toBe(422);
  });

  it('answers bad input with 4xx and refuses a coordinator of another sub-district', async () => {
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: '340802099', wait: true })).statusCode).toBe(404);
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: '340802002', wait: true })).statusCode).toBe(422);
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: SUB, weeks: 2 })).statusCode).toBe(400);
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: SUB, types: 'nonsense', wait: true })).statusCode).toBe(422);
    expect((await inject('GET', '/api/patrols/plans/999999')).statusCode).toBe(404);
    expect(
      (
        await inject('POST', `/api/patrols/plans/${plan.id}/evaluate`, {
          patrols: [
            {
              group: 'nope',
              weekday: 1,
              start_hour: 1,
              hours: 2,
              stops: [
                { id: 'a', lon: 117.05, lat: 30.52 },
                { id: 'b', lon: 117.051, lat: 30.52 },
              ],
            },
          ],
        })
      ).statusCode,
    ).toBe(422);
    const secured = await buildApp({ db: app.db, auth: { enforce: true } });
    try {
      const other = await createUser(
        app.db,
        { username: `plan_other_${backend}`, password: 'other-coord-pass-9', role: 'coordinator', subdistricts: ['340802002'], grids: [] },
        TEST_COST,
      );
      const headers = (await sessionFor(app.db, other.id)).headers;
      const r = await secured.inject({ method: 'POST', url: `/api/patrols/plans/${plan.id}/evaluate`, payload: { patrols: [] }, headers });
      expect(r.statusCode).toBe(403);
      const g = await secured.inject({ method: 'POST', url: '/api/patrols/plans', payload: { subdistrict: SUB, wait: true }, headers });
      expect(g.statusCode).toBe(403);
    } finally {
      await secured.close();
    }
  });

  const jobBody = { subdistrict: SUB, week: '2026-11-02', weeks: 12, holdoutWeeks: 4, until: '2026-10-25', zones: 'hex', cellM: 100, minLengthM: 0 };
  /** The plan a finished job names: the same plan as generated in the request. */
  const expectSamePlan = async (job: any) => {
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.kind).toBe('patrol-plan');
    const made = (await inject('GET', `/api/patrols/plans/${job.result.planId}`)).json();
    expect(made.status).toBe('draft');
    expect(made.patrols.length).toBe(job.result.patrols);
    expect(made.coverage.generated).toEqual(firstCoverage.generated);
    expect(made.coverage.random).toEqual(firstCoverage.random);
  };

  it('generates as a job (no wait): progress events, then the draft named by its result', async () => {
    const seen: any[] = [];
    const emit = app.jobs.events.emit.bind(app.jobs.events);
    app.jobs.events.emit = ((name: string, ...a: unknown[]) => {
      if (String(name).startsWith('job:')) seen.push(a[0]);
      return emit(name, ...a);
    }) as typeof app.jobs.events.emit;
    try {
      const r = await inject('POST', '/api/patrols/plans', jobBody);
      expect(r.statusCode, r.body).toBe(202);
      const id = r.json().job;
      await app.jobs.settled(id);
      await expectSamePlan((await inject('GET', `/api/jobs/${id}`)).json());
      const running = seen.filter((e) => e.id === id && e.status === 'running' && e.progress > 0 && e.progress < 1);
      expect(running.map((e) => e.message)).toContain('覆盖率 (coverage)');
    } finally {
      app.jobs.events.emit = emit;
    }
    // bad parameters are refused before a job is made
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: SUB, types: 'nonsense' })).statusCode).toBe(422);
    expect((await inject('POST', '/api/patrols/plans', { subdistrict: '340802099' })).statusCode).toBe(404);
  });

  it.runIf(backend === 'postgres')(
    'on the PostGIS server a separate `npm run worker` process runs the job from the queue; progress reaches the events',
    async () => {
      const schema = (await app.db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
      const u = new URL(TEST_DATABASE_URL);
      u.searchParams.set('options', `-c search_path=${schema},public`);
      const queued = await buildApp({ db: app.db, jobQueue: { databaseUrl: u.toString(), workers: 0 } });
      let worker: WorkerProcess | undefined;
      try {
        expect(queued.jobs.mode).toBe('queue');
        const r = await queued.inject({ method: 'POST', url: '/api/patrols/plans', payload: jobBody });
        expect(r.statusCode, r.body).toBe(202);
        const id = r.json().job;
        expect((await queued.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().status).toBe('queued'); // no worker in this process
        // the UI's event stream, open before any worker runs the job
        const events = queued.inject({ method: 'GET', url: `/api/jobs/${id}/events` });
        worker = await startWorkerProcess(u.toString(), { WANGGE_JOB_RETRY_DELAY_SECONDS: '0' });
        const stream = (await events).body
          .split('\n\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l.replace(/^data: /, '')));
        expect(
          stream.some((e: any) => e.status === 'running' && e.progress > 0 && e.progress < 1),
          JSON.stringify(stream),
        ).toBe(true);
        const job = (await queued.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
        expect(job.worker, worker.log().slice(-2000)).toBe(worker.name);
        await expectSamePlan(job);
      } finally {
        await worker?.stop();
        await queued.close();
        await app.db.exec(`DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`).catch(() => undefined);
      }
    },
    120_000,
  );
});
