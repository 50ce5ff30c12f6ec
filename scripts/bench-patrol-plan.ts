/**
 * bench:patrol-plan — the weekly patrol plan on the demo district (issue J). Prints one JSON object
 * on stdout and writes bench/results/patrol-plan-<timestamp>.json; progress on stderr.
 *
 * The demo database (the cached test copy, tests/helpers/app-server.ts) gets its joint-defense
 * groups and the synthetic pilot routes with their weekly schedule as `npm start` makes them; then
 * every sub-district with groups is planned with the defaults (12 weeks of incidents before the 4
 * held-out weeks, 5-minute walk, 2 km per patrol, 3 patrols per group, 2-hour slots). Coverage =
 * held-out incidents within 100 m of a route during its hours, summed over the sub-districts, for
 * the generated plan, the current routes (with their schedule) and random-shop routes of the same
 * length in the same slots. plan_seconds = the slowest sub-district, each planned cold (incident
 * columns, zones and walking networks dropped first, the database opened afresh after the
 * grouping; target ≤ 10 s).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { openDb } from '../server/db';
import { autoGroupAll } from '../server/defense/service';
import { generatePlan } from '../server/patrol-plans/generate';
import { invalidateIncidentColumns } from '../server/hotspots/incident-columns';
import { invalidateZones } from '../server/hotspots/zones';
import { invalidateNetworks } from '../server/defense/network-cache';
import { preparedDataDir } from '../tests/helpers/app-server';

const log = (s: string) => process.stderr.write(`bench-patrol-plan: ${s}\n`);

async function main() {
  const { dir, data } = await preparedDataDir('demo');
  if (data !== 'demo') throw new Error('the demo district is needed');
  const setup = await openDb({ dataDir: dir, databaseUrl: undefined });
  try {
    await autoGroupAll(setup, log);
  } finally {
    await setup.close();
  }
  // then as a server after a restart: the database opened afresh (nothing in its buffers)
  const db = await openDb({ dataDir: dir, databaseUrl: undefined });
  try {
    const subs = (
      await db.query<{ id: string; name: string }>(
        'SELECT DISTINCT d.id, d.name FROM subdistricts d JOIN defense_groups g ON g.subdistrict_id = d.id AND g.archived_at IS NULL ORDER BY d.id',
      )
    ).rows;
    // every sub-district is planned COLD: the incident columns, the hexagon zones and the walking
    // networks are dropped before each (a server after a restart, or after new incidents came in);
    // `phases` gives the seconds at which each step of the plan began
    const per: Record<string, unknown>[] = [];
    const sum = { generated: [0, 0, 0], current: [0, 0, 0], random: [0, 0, 0] } as Record<'generated' | 'current' | 'random', number[]>;
    let slowest = 0,
      held = 0;
    for (const s of subs) {
      invalidateIncidentColumns(db);
      invalidateZones(db);
      invalidateNetworks();
      const t = performance.now();
      const phases: Record<string, number> = {};
      const p = await generatePlan(db, { subdistrict: s.id, week: '2026-11-02' }, (f, m) => {
        const at = Math.round(performance.now() - t) / 1000;
        const key = m.replace(/^\d+ /, '');
        if (!(key in phases)) phases[key] = at;
        log(`${s.id} ${Math.round(f * 100)}% ${m} at ${at.toFixed(2)} s`);
      });
      const sec = (performance.now() - t) / 1000;
      slowest = Math.max(slowest, sec);
      held += p.coverage.generated.incidents;
      for (const k of ['generated', 'current', 'random'] as const) {
        sum[k]![0]! += p.coverage[k].covered;
        sum[k]![1]! += p.coverage[k].length_m;
        sum[k]![2]! += p.coverage[k].routes;
      }
      const row = {
        subdistrict: s.id,
        name: s.name,
        seconds: Math.round(sec * 100) / 100,
        phases,
        groups: p.groups.length,
        hot_zones: p.zones.length,
        uncovered: p.uncovered.length,
        patrols: p.patrols.length,
        held_out: p.coverage.generated.incidents,
        generated: p.coverage.generated.share,
        current: p.coverage.current.share,
        random: p.coverage.random.share,
      };
      per.push(row);
      log(JSON.stringify(row));
    }
    const share = (k: 'generated' | 'current' | 'random') => (held ? Math.round((sum[k]![0]! / held) * 10000) / 10000 : 0);
    const out = {
      bench: 'patrol-plan',
      at: new Date().toISOString(),
      cpus: cpus().length,
      coverage_generated: share('generated'),
      coverage_current: share('current'),
      coverage_random: share('random'),
      plan_seconds: Math.round(slowest * 100) / 100,
      ratio_generated_to_random: share('random') > 0 ? Math.round((share('generated') / share('random')) * 100) / 100 : null,
      held_out_incidents: held,
      total_length_m: { generated: Math.round(sum.generated[1]!), current: Math.round(sum.current[1]!), random: Math.round(sum.random[1]!) },
      routes: { generated: sum.generated[2], current: sum.current[2], random: sum.random[2] },
      targets: { generated_vs_random: '>= 2x', plan_seconds: '<= 10 per sub-district' },
      subdistricts: per,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(`bench/results/patrol-plan-${out.at.replace(/[:.]/g, '-')}.json`, `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench-patrol-plan: error: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
