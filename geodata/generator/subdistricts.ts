/**
 * Sub-district definitions (real names, synthetic boundaries) and the rule assigning each arterial
 * lattice cell of the mainland to one of them. Urban sub-district boundaries follow arterials.
 * 新洲乡 is the island part of the outline.
 */
import { A, U0, V0 } from './lattice';

export type Zone = 'old' | 'mid' | 'new' | 'rural';

export interface SubdistrictDef {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: 'street' | 'township';
  urban: boolean;
  communities: number;
}

export const DISTRICT_ADCODE = '340802';

export const SUBDISTRICTS: SubdistrictDef[] = [
  { code: '001', name: '人民路街道', name_en: 'Renminlu Subdistrict', kind: 'street', urban: true, communities: 8 },
  { code: '002', name: '新河路街道', name_en: 'Xinhelu Subdistrict', kind: 'street', urban: true, communities: 8 },
  { code: '003', name: '宜城路街道', name_en: 'Yichenglu Subdistrict', kind: 'street', urban: true, communities: 9 },
  { code: '004', name: '华中路街道', name_en: 'Huazhonglu Subdistrict', kind: 'street', urban: true, communities: 7 },
  { code: '005', name: '孝肃路街道', name_en: 'Xiaosulu Subdistrict', kind: 'street', urban: true, communities: 8 },
  { code: '006', name: '龙狮桥乡', name_en: 'Longshiqiao Township', kind: 'township', urban: false, communities: 6 },
  { code: '007', name: '长风乡', name_en: 'Changfeng Township', kind: 'township', urban: false, communities: 7 },
  { code: '008', name: '新洲乡', name_en: 'Xinzhou Township', kind: 'township', urban: false, communities: 5 },
].map((d) => ({ ...d, id: DISTRICT_ADCODE + d.code }) as SubdistrictDef);

export const sdByCode = (code: string): SubdistrictDef => SUBDISTRICTS.find((s) => s.code === code)!;
export const XINZHOU = sdByCode('008');

/** Lattice-space centre of arterial cell (i, j). */
export const cellCentre = (i: number, j: number): [number, number] => [U0 + A * (i + 0.5), V0 + A * (j + 0.5)];

/**
 * The mainland sub-district and zone of an arterial cell, from its lattice centre (metres east and
 * north of 117.05 E, 30.52 N, before the warp).
 */
export function classifyMainlandCell(i: number, j: number): { sd: SubdistrictDef; zone: Zone } {
  const [x, y] = cellCentre(i, j);
  const urban = x < 9900 && ((x < 6300 && y < 2700) || (x >= 6300 && y < 3600));
  if (urban) {
    const zone: Zone = x < 3600 ? 'old' : x < 6300 ? 'mid' : 'new';
    let code: string;
    if (x < 900) code = '004';
    else if (x < 3600) code = '001';
    else if (x < 6300) code = '005';
    else if (y < 900) code = '003';
    else code = '002';
    return { sd: sdByCode(code), zone };
  }
  const north = y > 9900 || (y > 6300 && x < 10000);
  return { sd: sdByCode(north ? '006' : '007'), zone: 'rural' };
}
