/**
 * Address matching of the household register: normalises compound names (小区) and building
 * numbers (楼栋号) so that "幸福小区 3栋", "幸福 ３号楼" and "幸福小区03幢" name the same building,
 * and matches a register row to one imported building by compound + building number. Pure.
 */

/** Full-width → half-width (NFKC), no whitespace, lower case. */
export function normText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Compound name key: normalised, punctuation dropped, trailing 小区 / 住宅小区 dropped. Null when empty. */
export function compoundKey(name: string | null | undefined): string | null {
  if (!name) return null;
  let s = normText(name).replace(/[·・.,，、()（）\-—_"'“”]/g, '');
  s = s.replace(/(住宅)?小区$/, '');
  return s || null;
}

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Chinese numerals up to 999 (三, 十二, 二十三, 一百零五) → number; null when not one. */
export function chineseNumber(s: string): number | null {
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(s)) return null;
  let total = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch === '百' || ch === '十') {
      const unit = ch === '百' ? 100 : 10;
      total += (digit < 0 ? 1 : digit) * unit;
      digit = -1;
    } else if (digit >= 0 && DIGIT[ch] !== 0)
      return null; // two digits in a row ("一二") is not a number
    else digit = DIGIT[ch] === 0 ? -1 : DIGIT[ch];
  }
  return total + (digit > 0 ? digit : 0);
}

const BUILDING_SUFFIX = /(号楼|号栋|号幢|栋楼|幢楼|栋|幢|座|楼|号|#楼|#)$/;

/**
 * Building number key: "3栋", "3号楼", "3幢", "３", "03", "第三栋", "3#" → "3"; "A座" → "A"; "2-1栋" → "2-1".
 * Null when nothing is left.
 */
export function buildingKey(ref: string | number | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  let s = normText(String(ref)).replace(/^第/, '');
  s = s.replace(BUILDING_SUFFIX, '');
  s = s.replace(/^第/, '');
  const cn = chineseNumber(s);
  if (cn !== null) s = String(cn);
  s = s.replace(/\d+/g, (d) => String(Number(d)));
  return s ? s.toUpperCase() : null;
}

/** A free-text address split at its building number: "人民路幸福小区3栋2单元501" → 幸福小区… + "3". */
export function splitAddress(address: string | null | undefined): { compound: string | null; building: string | null } {
  if (!address) return { compound: null, building: null };
  const s = address.normalize('NFKC').replace(/\s+/g, '');
  const m = /^(.*?)第?([0-9]+|[零〇一二两三四五六七八九十百]+|[A-Za-z][0-9]*)(号楼|号栋|号幢|栋|幢|座|#楼?)/.exec(s);
  if (!m) return { compound: s || null, building: null };
  return { compound: m[1] || null, building: buildingKey(m[2]) };
}

export interface BuildingCandidate {
  id: string;
  label: string | null;
  compound: string | null;
  x: number;
  y: number;
}

export interface BuildingIndex {
  /** building key → candidates with their compound keys */
  byNumber: Map<string, Array<{ b: BuildingCandidate; compound: string | null }>>;
}

export function buildingIndex(buildings: BuildingCandidate[]): BuildingIndex {
  const byNumber: BuildingIndex['byNumber'] = new Map();
  for (const b of buildings) {
    const k = buildingKey(b.label);
    if (!k) continue;
    const list = byNumber.get(k) ?? [];
    list.push({ b, compound: compoundKey(b.compound) });
    byNumber.set(k, list);
  }
  return { byNumber };
}

export type AddressMatch = { building: BuildingCandidate } | { problem: string };

/**
 * The one building a row names. The row's compound (its 小区 column, else the part of its address
 * before the building number) must end with the building's compound key ("人民路幸福" ends with
 * "幸福"); of several compounds that fit, the longest wins. No building, or two, is a problem.
 */
export function matchAddress(index: BuildingIndex, row: { compound?: string | null; building?: string | null; address?: string | null }): AddressMatch {
  const fromAddress = splitAddress(row.address);
  const number = buildingKey(row.building) ?? fromAddress.building;
  const where = compoundKey(row.compound) ?? compoundKey(fromAddress.compound);
  const shown = `${row.compound ?? fromAddress.compound ?? ''} ${row.building ?? (number ? `${number}栋` : '')}`.trim() || (row.address ?? '');
  if (!number) return { problem: `地址中没有楼栋号，无法匹配建筑：${shown} (no building number in the address)` };
  const candidates = index.byNumber.get(number) ?? [];
  let best: Array<{ b: BuildingCandidate; compound: string | null }> = [];
  let bestLen = -1;
  for (const c of candidates) {
    const fits = c.compound === null ? where === null : where !== null && where.endsWith(c.compound);
    if (!fits) continue;
    const len = c.compound?.length ?? 0;
    if (len > bestLen) {
      best = [c];
      bestLen = len;
    } else if (len === bestLen) best.push(c);
  }
  if (best.length === 0) return { problem: `地址未匹配到已导入的建筑：${shown} (unmatched address: no imported building with this compound and number)` };
  if (best.length > 1) return { problem: `地址匹配到 ${best.length} 栋建筑，无法确定：${shown} (ambiguous address: ${best.length} buildings match)` };
  return { building: best[0].b };
}
