/** Small formatting helpers of the party view (no DOM state). */
import { t } from '../../i18n';

/** 0.234 → "23.4%"; null → "—" (suppressed or nothing to share). */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
/** A count, or "—" when suppressed. */
export const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toLocaleString());
/**
 * The rule's verdict as a word and a class: ok / warn / none. Without a verdict it says why: no
 * party-member households, fewer than 5 (hidden), or hidden because a grid in the total has fewer
 * than 5 (`partyHouseholds` unknown: the short reason); `why` is the longer explanation (a tooltip).
 */
export function verdict(meets: boolean | null, partyHouseholds?: number): { text: string; cls: string; why?: string } {
  if (meets === true) return { text: t('party.meets'), cls: 'ok' };
  if (meets === false) return { text: t('party.below'), cls: 'warn' };
  if (partyHouseholds === 0) return { text: t('party.none'), cls: 'none' };
  const text = partyHouseholds !== undefined && partyHouseholds >= 5 ? t('party.unknownPart') : t('party.unknown');
  return { text, cls: 'none', why: t('party.unknownWhy') };
}
/**
 * Grid codes (15 digits: sub-district 9, community 3, grid 3) as short as they stay unique in a
 * list: community + grid (6 digits) within one sub-district, else with the sub-district's own 3
 * (9 digits), else whole.
 */
export function shortGridCodes(codes: readonly string[]): (code: string) => string {
  const n = [6, 9].find((k) => new Set(codes.map((c) => c.slice(-k))).size === new Set(codes).size) ?? 15;
  return (code) => code.slice(-n);
}
/** Today in Shanghai (YYYY-MM-DD). */
export const today = (): string => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
