/**
 * 街居吹哨、部门报到 matters mirroring the source bulletin: ~2,050 matters reported, exactly 403
 * whistled (quick / emergency / tackle_hard), 400 of them solved, 3 still open (one overdue);
 * matters not whistled are closed at grid level. Status history with actors in `events`.
 */
import type { IncidentRow } from './incidents';
import { iso8, NOW } from './incidents';
import type { CaseEvent, IncidentType } from './types';
import type { Rng } from '../../common/rng';
import { personName } from './names';

export const CASE_TOTAL = 2050;
export const WHISTLED = { quick: 240, emergency: 68, tackle_hard: 95 } as const; // 403
/** Deadline from dispatch to feedback, days. */
export const DEADLINE_DAYS = { quick: 3, emergency: 1, tackle_hard: 30 } as const;

type Kind = keyof typeof WHISTLED;

export interface CaseRow {
  id: string;
  title: string;
  incident: IncidentRow;
  whistled: boolean;
  kind: Kind | null;
  department: string | null;
  status: string;
  reported: number;
  updated: number;
  events: CaseEvent[];
}

const TITLES: Record<IncidentType, string[]> = {
  public_order: ['夜间烧烤摊占道经营扰民', '商铺门前聚集滋事隐患', '无证流动摊贩占道', '小区周边醉酒滋扰', '电动车乱停放堵塞通道'],
  dispute: ['邻里漏水纠纷', '物业费收缴矛盾', '停车位归属纠纷', '装修噪音邻里矛盾', '租房押金纠纷'],
  environment: ['背街小巷垃圾堆积', '建筑工地扬尘', '餐饮油烟扰民', '河道漂浮物', '绿化带毁绿种菜'],
  facilities: ['路灯损坏', '下水道堵塞', '楼道灯不亮', '人行道破损', '二次供水水压不足', '井盖缺失', '小区电线私拉乱接'],
  fire_risk: ['楼道堆放杂物堵塞消防通道', '电动车入户充电', '老旧院落电线老化', '消防栓损坏', '飞线充电隐患'],
  other: ['独居老人需要帮扶', '流浪犬只伤人隐患', '空置房屋安全隐患', '违章搭建'],
};
const DEPTS: Record<IncidentType, string[]> = {
  facilities: ['住建局', '城管局', '供电公司', '自来水公司'],
  environment: ['生态环境分局', '城管局'],
  fire_risk: ['应急管理局', '消防救援大队', '供电公司'],
  dispute: ['民政局', '司法局', '住建局'],
  public_order: ['公安分局', '市场监管局', '城管局'],
  other: ['民政局', '城管局', '市场监管局'],
};
const TYPE_W: Record<IncidentType, number> = { facilities: 0.3, environment: 0.25, dispute: 0.2, fire_risk: 0.12, public_order: 0.08, other: 0.05 };
const KIND_LABEL: Record<Kind, string> = { quick: '快速哨', emergency: '应急哨', tackle_hard: '攻坚哨' };
const H = 3600e3;
const D = 86400e3;

export function planCases(rng: Rng, incidents: IncidentRow[]): CaseRow[] {
  const r = rng.fork('cases');
  // pick the incidents that became reported matters (weighted by type), without replacement
  const pool = incidents.filter((i) => i.t < NOW - 2 * H);
  const keys = pool.map((i) => ({ i, k: Math.pow(r.next(), 1 / TYPE_W[i.type]) }));
  keys.sort((a, b) => b.k - a.k || (a.i.id < b.i.id ? -1 : 1));
  const chosen = keys.slice(0, CASE_TOTAL).map((x) => x.i);
  chosen.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));

  // three open whistles pinned to the end of the period
  const openSpecs: Array<{ kind: Kind; at: number; status: string }> = [
    { kind: 'tackle_hard', at: NOW - 75 * D, status: 'accepted' }, // overdue: 30-day deadline long passed
    { kind: 'quick', at: NOW - 1.5 * D, status: 'dispatched' },
    { kind: 'emergency', at: NOW - 10 * H, status: 'feedback' },
  ];
  const open = new Map<IncidentRow, (typeof openSpecs)[number]>();
  for (const s of openSpecs) {
    let best = chosen[0];
    for (const c of chosen) if (!open.has(c) && Math.abs(c.t - s.at) < Math.abs(best.t - s.at)) best = c;
    open.set(best, s);
  }
  // the remaining 400 whistles, preferring fire risk, facilities and environment
  const wPref: Record<IncidentType, number> = { fire_risk: 3, facilities: 2, environment: 2, dispute: 1, public_order: 1, other: 0.5 };
  const rest = chosen.filter((c) => !open.has(c) && c.t < NOW - 40 * D);
  const wk = rest.map((i) => ({ i, k: Math.pow(r.next(), 1 / wPref[i.type]) })).sort((a, b) => b.k - a.k || (a.i.id < b.i.id ? -1 : 1));
  const kinds: Kind[] = [];
  for (const k of Object.keys(WHISTLED) as Kind[]) for (let n = 0; n < WHISTLED[k] - openSpecs.filter((s) => s.kind === k).length; n++) kinds.push(k);
  r.shuffle(kinds);
  const whistledKind = new Map<IncidentRow, Kind>();
  wk.slice(0, kinds.length).forEach((x, n) => whistledKind.set(x.i, kinds[n]));

  const rows: CaseRow[] = [];
  for (const inc of chosen) {
    const sdName = inc.building.unit.block.sd.name;
    const gridMember = `网格员 ${personName(r)}`;
    const reported = inc.t + Math.round(r.range(5, 90)) * 60e3;
    const title = r.pick(TITLES[inc.type]);
    const events: CaseEvent[] = [{ status: 'reported', at: iso8(reported), actor: gridMember, note: title }];
    const o = open.get(inc);
    const kind = o?.kind ?? whistledKind.get(inc) ?? null;
    let status: string;
    let department: string | null = null;
    let t = reported;
    const push = (s: string, dt: number, actor: string, note: string | null) => {
      t = Math.min(t + dt, NOW);
      events.push({ status: s, at: iso8(t), actor, note });
      status = s;
    };
    if (!kind) {
      push('closed', r.range(2 * H, 5 * D), `网格长 ${personName(r)}`, '网格内解决');
      status = 'closed';
    } else {
      department = r.pick(DEPTS[inc.type]);
      const dl = DEADLINE_DAYS[kind] * D;
      const late = r.chance(0.04);
      const plan: Array<[string, number, string, string | null]> = [
        ['dispatched', r.range(0.5 * H, 6 * H), sdName, `吹哨：${KIND_LABEL[kind]}，派${department}`],
        ['accepted', kind === 'emergency' ? r.range(0.2 * H, 1 * H) : r.range(1 * H, 24 * H), department, '部门报到'],
        ['feedback', late ? dl * r.range(1.05, 1.6) : dl * r.range(0.2, 0.9), department, '已处置，反馈街道'],
        ['solved', r.range(1 * H, 24 * H), sdName, '核实办结'],
        ['evaluated', r.range(3 * D, 20 * D), `${inc.building.unit.block.sd.name}考评组`, r.pick(['满意', '满意', '满意', '基本满意'])],
      ];
      status = 'reported';
      const stopAt = o ? o.status : null;
      for (const [s, dt, actor, note] of plan) {
        if (s === 'evaluated' && t + dt > NOW) break;
        push(s, o && s === 'dispatched' ? r.range(0.2 * H, 1 * H) : o && s === 'feedback' ? r.range(1 * H, 4 * H) : dt, actor, note);
        if (s === stopAt) break;
      }
    }
    rows.push({ id: '', title, incident: inc, whistled: kind !== null, kind, department, status: status!, reported, updated: t, events });
  }
  rows.sort((a, b) => a.reported - b.reported);
  rows.forEach((c, k) => (c.id = `k${String(k + 1).padStart(5, '0')}`));
  return rows;
}
