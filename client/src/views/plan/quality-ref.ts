/**
 * The data-quality report's item references in the UI's language. The server names items the way
 * its logs and the CLI do ("street end 4", "gap 2", "register imp1 line 17", "building b-12");
 * block ids and community names are shown as they are.
 */
import { t } from '../../i18n';

const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^street end (\d+)$/, (m) => t('plan.quality.ref.streetEnd', { n: m[1] })],
  [/^gap (\d+)$/, (m) => t('plan.quality.ref.gap', { n: m[1] })],
  [/^register (\S+) (?:line|row) (\d+)$/, (m) => t('plan.quality.ref.registerLine', { file: m[1], n: m[2] })],
  [/^register (\S+) feature (\d+)$/, (m) => t('plan.quality.ref.registerFeature', { file: m[1], n: m[2] })],
  [/^building (.+)$/, (m) => t('plan.quality.ref.building', { id: m[1] })],
];

export function qualityRefText(ref: string): string {
  for (const [re, text] of PATTERNS) {
    const m = re.exec(ref);
    if (m) return text(m);
  }
  return ref;
}
