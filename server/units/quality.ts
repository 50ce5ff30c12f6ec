/**
 * The data-quality report of a units build, per sub-district: what a planner must fix in the
 * imported data, each item with a place to zoom the map to. Households outside every boundary,
 * register rows that landed in no unit, blocks with no households (street slivers only counted), street ends left short of
 * another street (and gaps healed automatically), sub-districts without communities, and the
 * stage's other warnings. Pure, no I/O.
 */
import { pointInRings } from '../algorithms/units';
import type { AreaFeature } from '../algorithms/units';
import type { HouseholdRow } from '../algorithms/units';
import type { RowMeta } from './load';
import type { UnitsJobOutput } from './stage-output';

import { QUALITY_KINDS, type QualityItem, type QualityKind, type QualityReport } from '../../common/http/units';

/** The report's kinds and shape (common/http/units.ts, shared with the client). */
export { QUALITY_KINDS, type QualityItem, type QualityKind, type QualityReport };

/** Items kept per kind and sub-district (counts stay complete). */
export const ITEMS_PER_KIND = 300;

const bboxOf = (polys: number[][][][]): [number, number, number, number] => {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const poly of polys)
    for (const p of poly[0] ?? []) {
      x0 = Math.min(x0, p[0]);
      y0 = Math.min(y0, p[1]);
      x1 = Math.max(x1, p[0]);
      y1 = Math.max(y1, p[1]);
    }
  return [x0, y0, x1, y1];
};

export function emptyReport(): QualityReport {
  return {
    counts: Object.fromEntries(QUALITY_KINDS.map((k) => [k, 0])) as Record<QualityKind, number>,
    households_outside: 0,
    households_unplaced: 0,
    street_slivers: 0,
    items: [],
    truncated: false,
    warnings: [],
  };
}

/**
 * `blockIds`: the id each block is written with. Returns one report per chosen sub-district.
 */
export function qualityReports(
  subs: string[],
  areas: AreaFeature[],
  rows: HouseholdRow[],
  meta: RowMeta[],
  out: UnitsJobOutput,
  blockIds: string[],
): Record<string, QualityReport> {
  const reports: Record<string, QualityReport> = Object.fromEntries(subs.map((s) => [s, emptyReport()]));
  const add = (item: QualityItem) => {
    const r = reports[item.subdistrict];
    if (!r) return;
    r.counts[item.kind]++;
    if (r.counts[item.kind] <= ITEMS_PER_KIND) r.items.push(item);
    else r.truncated = true;
  };
  const subAreas = areas.filter((a) => a.level === 'subdistrict');
  const subAt = (p: [number, number]) => subAreas.find((a) => a.polygons.some((poly) => pointInRings(p[0], p[1], poly)))?.code ?? null;

  const outsideRefs = new Set(out.warnings.filter((w) => w.code === 'household_outside').map((w) => w.row));
  rows.forEach((row, i) => {
    if (out.rowUnit[i] >= 0) return;
    const sub = meta[i].reportSub;
    if (!sub || !reports[sub]) return;
    const outside = outsideRefs.has(row.ref);
    add({ kind: outside ? 'household_outside' : 'row_unplaced', subdistrict: sub, ref: row.ref, at: [row.lon, row.lat], households: row.households });
    if (outside) reports[sub].households_outside += row.households;
    else reports[sub].households_unplaced += row.households;
  });

  const blockHouseholds = new Array<number>(out.blocks.length).fill(0);
  out.units.forEach((u, k) => {
    blockHouseholds[out.unitBlock[k]] += u.households;
  });
  out.blocks.forEach((b, i) => {
    if (blockHouseholds[i] > 0) return;
    if (b.sliver) {
      if (reports[b.subdistrict]) reports[b.subdistrict].street_slivers++;
      return;
    }
    add({ kind: 'block_empty', subdistrict: b.subdistrict, ref: blockIds[i], at: b.at, bbox: bboxOf([b.polygon]) });
  });

  out.unclosedAt.forEach((p, i) => {
    const s = subAt(p);
    if (s)
      add({ kind: 'street_unclosed', subdistrict: s, ref: `street end ${i + 1}`, at: p, bbox: [p[0] - 0.0003, p[1] - 0.0003, p[0] + 0.0003, p[1] + 0.0003] });
  });
  out.healedAt.forEach((p, i) => {
    const s = subAt(p);
    if (s) add({ kind: 'gap_healed', subdistrict: s, ref: `gap ${i + 1}`, at: p, bbox: [p[0] - 0.0003, p[1] - 0.0003, p[0] + 0.0003, p[1] + 0.0003] });
  });

  for (const a of subAreas) {
    if ((out.communities[a.code] ?? 0) > 0 || !reports[a.code]) continue;
    const bb = bboxOf(a.polygons);
    add({ kind: 'community_missing', subdistrict: a.code, ref: `${a.name} (${a.code})`, at: [(bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2], bbox: bb });
  }

  for (const w of out.warnings) {
    if (w.code === 'household_outside') continue;
    const r = w.subdistrict ? reports[w.subdistrict] : undefined;
    for (const target of r ? [r] : Object.values(reports)) if (target.warnings.length < 100) target.warnings.push(w);
  }
  return reports;
}

/** Sums reports of several sub-districts into one (items concatenated). */
export function mergeReports(reports: QualityReport[]): QualityReport {
  const m = emptyReport();
  const seen = new Set<string>();
  for (const r of reports) {
    for (const k of QUALITY_KINDS) m.counts[k] += r.counts[k] ?? 0;
    m.households_outside += r.households_outside ?? 0;
    m.households_unplaced += r.households_unplaced ?? 0;
    m.street_slivers += r.street_slivers ?? 0;
    m.items.push(...r.items);
    m.truncated ||= r.truncated;
    for (const w of r.warnings) {
      const key = `${w.code}|${w.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        m.warnings.push(w);
      }
    }
  }
  return m;
}
