/**
 * The district the loaded data are of (from /api/meta): the header's title and the attribution
 * (synthetic-data notes only for the demo) read it; null before data are loaded or on an empty
 * database, where the title is the neutral "网格化治理". No I/O here.
 */
import { t } from './i18n';
import { localName } from './i18n/names';

export interface District {
  adcode: string;
  name: string | null;
  synthetic: boolean;
}

let current: District | null = null;
const listeners = new Set<() => void>();

export function getDistrict(): District | null {
  return current;
}

export function setDistrict(d: District | null): void {
  current = d;
  for (const fn of [...listeners]) fn();
}

export function onDistrictChange(fn: () => void): void {
  listeners.add(fn);
}

/** "洪山区网格化治理", or the neutral title while the district has no name. */
export function appTitle(): string {
  return current?.name ? t('app.titleOf', { district: localName('district', current.name) }) : t('app.title');
}

/** The attribution lines: the demo's synthetic-data notes, or that the data were imported (none while empty). */
export function attributionLines(): string[] {
  if (!current) return [];
  return current.synthetic ? [t('attribution.synthetic'), t('attribution.outline')] : [t('attribution.imported')];
}
