/** Small formatting helpers of the party view (no DOM state). */
import { t } from '../../i18n';

/** 0.234 → "23.4%"; null → "—" (suppressed or nothing to share). */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
/** A count, or "—" when suppressed. */
export const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toLocaleString());
/** The rule's verdict as a word and a class: ok / warn / none. */
export function verdict(meets: boolean | null): { text: string; cls: string } {
  if (meets === true) return { text: t('party.meets'), cls: 'ok' };
  if (meets === false) return { text: t('party.below'), cls: 'warn' };
  return { text: t('party.unknown'), cls: 'none' };
}
/** Today in Shanghai (YYYY-MM-DD). */
export const today = (): string => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
