/**
 * 15-digit grid codes: community id (12 digits) + 3-digit sequence, numbered in reading order
 * within a community (rows north→south, west→east inside a row), stable across re-partitions:
 * a grid reuses the previous code of the grid it overlaps most (by households, then units) when
 * that code belongs to the same community and no other grid overlaps it more. Pure, no I/O.
 */
export interface CodeGridInput {
  id: string;
  /** 12-digit community id (sub-district id + '000' when unknown) */
  communityId: string;
  /** [lon, lat] */
  centroid: [number, number];
  units: string[];
}
export interface PreviousCodedGrid {
  code: string;
  units: string[];
}

export function assignGridCodes(grids: CodeGridInput[], previous: PreviousCodedGrid[] = [], unitHouseholds: Record<string, number> = {}): Map<string, string> {
  const prevCodeOfUnit = new Map<string, string>();
  for (const p of previous) for (const u of p.units) prevCodeOfUnit.set(u, p.code);
  const w = (u: string) => (unitHouseholds[u] ?? 0) + 1e-3;
  // candidate (grid, code, overlap)
  const cands: [string, string, number][] = [];
  for (const g of grids) {
    const ov = new Map<string, number>();
    for (const u of g.units) {
      const c = prevCodeOfUnit.get(u);
      if (c) ov.set(c, (ov.get(c) ?? 0) + w(u));
    }
    for (const [c, o] of ov) if (c.startsWith(g.communityId) && c.length === g.communityId.length + 3) cands.push([g.id, c, o]);
  }
  cands.sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || (a[1] < b[1] ? -1 : 1));
  const out = new Map<string, string>();
  const usedCodes = new Set<string>();
  for (const [gid, code] of cands) {
    if (out.has(gid) || usedCodes.has(code)) continue;
    out.set(gid, code);
    usedCodes.add(code);
  }
  // previous codes stay reserved so a vanished grid's code is not silently reused
  for (const p of previous) usedCodes.add(p.code);
  const byComm = new Map<string, CodeGridInput[]>();
  for (const g of grids)
    if (!out.has(g.id)) {
      let a = byComm.get(g.communityId);
      if (!a) byComm.set(g.communityId, (a = []));
      a.push(g);
    }
  for (const [comm, gs] of [...byComm].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const all = grids.filter((g) => g.communityId === comm);
    // row height: typical grid spacing in degrees of latitude
    const lats = all.map((g) => g.centroid[1]).sort((a, b) => a - b);
    const span = lats.length > 1 ? (lats[lats.length - 1] - lats[0]) / Math.max(1, Math.sqrt(all.length)) : 1;
    const row = Math.max(span, 1e-4);
    gs.sort((a, b) => Math.floor(-a.centroid[1] / row) - Math.floor(-b.centroid[1] / row) || a.centroid[0] - b.centroid[0] || (a.id < b.id ? -1 : 1));
    let seq = 0;
    for (const g of gs) {
      let code: string;
      do {
        seq++;
        code = comm + String(seq).padStart(3, '0');
      } while (usedCodes.has(code));
      if (seq > 999) throw new RangeError(`community ${comm}: more than 999 grids`);
      usedCodes.add(code);
      out.set(g.id, code);
    }
  }
  return out;
}
