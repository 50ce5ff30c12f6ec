/**
 * Clearly synthetic demo records matching the bulletin where sensible: seven pilot groups (the most
 * compact ones) hold 5 sets of steel forks and shields, 70 long sticks, 70 whistles and 210
 * armbands; 14 drills with the police station; 72 routine patrol log entries; a weekly patrol plan
 * and a closed patrol route per pilot group. Every row has synthetic = true.
 */
import type { Db } from '../db';
import { createRecord } from './records';
import { planRoute, saveRoute } from './patrol';

const NOTE = '演示数据（合成）';
const PILOTS = 7;

export async function seedDemoRecords(db: Db): Promise<number> {
  const g = await db.query<{ id: string; leader_shop_id: string }>(
    `SELECT g.id, g.leader_shop_id FROM defense_groups g
      WHERE g.synthetic AND g.diameter_m IS NOT NULL AND g.archived_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM defense_equipment e WHERE e.synthetic)
      ORDER BY g.diameter_m, g.id LIMIT ${PILOTS}`,
  );
  if (g.rows.length === 0) return 0;
  const routes: (number | null)[] = [];
  for (const row of g.rows) {
    try {
      const f = await planRoute(db, { group: row.id, closed: true });
      routes.push(await saveRoute(db, f, true));
    } catch {
      routes.push(null);
    }
  }
  await db.transaction(async (tx) => {
    let logs = 0;
    for (const [i, row] of g.rows.entries()) {
      const names = (
        await tx.query<{ name: string }>(
          'SELECT s.name FROM defense_members m JOIN shops s ON s.id = m.shop_id WHERE m.group_id = $1 ORDER BY (s.id = $2) DESC, s.id',
          [row.id, row.leader_shop_id],
        )
      ).rows.map((r) => r.name);
      const team = (k: number) =>
        [names[0], names[1 + (k % Math.max(1, names.length - 1))], names[1 + ((k + 3) % Math.max(1, names.length - 1))]]
          .filter(Boolean)
          .filter((v, j, a) => a.indexOf(v) === j)
          .join('、');
      const eq: [string, number][] = [
        ['whistle', 10],
        ['long_stick', 10],
        ['armband', 30],
      ];
      if (i < 5) eq.push(['steel_fork', 1], ['shield', 1]);
      for (const [kind, quantity] of eq) await createRecord(tx, 'equipment', row.id, { kind, quantity, note: NOTE }, true);
      for (let d = 0; d < 2; d++) {
        const month = 1 + ((i * 2 + d) % 12);
        await createRecord(
          tx,
          'drills',
          row.id,
          {
            held_on: `2023-${String(month).padStart(2, '0')}-${String(10 + i).padStart(2, '0')}`,
            partner: '辖区派出所',
            participants: names.length,
            note: `${d === 0 ? '一户按铃、十户到场应急演练' : '防暴器械使用培训'}（${NOTE}）`,
          },
          true,
        );
      }
      const n = i < 2 ? 11 : 10;
      for (let k = 0; k < n; k++) {
        const day = new Date(Date.UTC(2023, 0, 6 + k * 7 + i, 11, 0, 0));
        await createRecord(
          tx,
          'patrol-logs',
          row.id,
          { patrolled_at: day.toISOString(), patrollers: team(k), route_id: routes[i], note: `例行巡逻，未见异常（${NOTE}）` },
          true,
        );
        logs++;
      }
      for (const [weekday, start, end] of [
        [1, '19:00', '21:00'],
        [3, '19:00', '21:00'],
        [5, '19:00', '21:00'],
        [6, '09:00', '11:00'],
      ] as const) {
        await createRecord(
          tx,
          'schedule',
          row.id,
          { weekday, start_time: start, end_time: end, patrollers: team(weekday), route_id: routes[i], note: NOTE },
          true,
        );
      }
    }
    return logs;
  });
  return g.rows.length;
}
