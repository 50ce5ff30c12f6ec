/**
 * English names of data values that the data keep in Chinese only: case departments, districts and the
 * water bodies (sub-districts carry name_en in the data). In Chinese mode the data's own name is
 * shown; in English the name here, else the data's name.
 */
import { getLang } from './index';

export type NameKind = 'dept' | 'water' | 'district';

export const ENGLISH_NAMES: Record<NameKind, Record<string, string>> = {
  dept: {
    城管局: 'Urban Management Bureau',
    住建局: 'Housing and Construction Bureau',
    公安分局: 'Public Security Sub-bureau',
    市场监管局: 'Market Regulation Bureau',
    生态环境分局: 'Ecology and Environment Sub-bureau',
    应急管理局: 'Emergency Management Bureau',
    消防救援大队: 'Fire and Rescue Brigade',
    民政局: 'Civil Affairs Bureau',
    司法局: 'Justice Bureau',
    供电公司: 'Power Supply Company',
    自来水公司: 'Water Supply Company',
  },
  water: {
    长江: 'Yangtze River',
    菱湖: 'Linghu Lake',
    破罡湖: 'Pogang Lake',
    新河: 'Xinhe Canal',
  },
  // the app's title names the district of the data (client/src/district.ts)
  district: {
    迎江区: 'Yingjiang',
    洪山区: 'Hongshan',
  },
};

/** The English name of a data value, or null when none is known. */
export function englishName(kind: NameKind, zh: string | null | undefined): string | null {
  return zh ? (ENGLISH_NAMES[kind][zh] ?? null) : null;
}

/** The name to show in the current language. */
export function localName(kind: NameKind, zh: string | null | undefined): string {
  if (!zh) return '';
  return getLang() === 'en' ? (englishName(kind, zh) ?? zh) : zh;
}
