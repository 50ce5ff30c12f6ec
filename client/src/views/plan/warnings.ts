/**
 * The automatic partition's warnings for a plan (infeasible bands, community islands and slivers,
 * split compounds …): each names its units and, in `message`, the fix. Shown as a table in the plan
 * view: a row's kind in the UI language, how many units, and the engine's full text on hover; a
 * click selects and shows the grid that holds the first named unit.
 */
import type { PlanWarning } from '../../api/plans';
import { t, type MessageKey } from '../../i18n';

const KNOWN = new Set([
  'unit_over_max',
  'island_infeasible',
  'community_infeasible',
  'community_disconnected',
  'community_sliver',
  'compound_split',
  'community_split',
  'grid_out_of_band',
  'missing_subdistrict',
  'previous_unknown_units',
]);

/** The warning's kind in the UI language (unknown codes as they are). */
export function warningLabel(w: PlanWarning): string {
  return KNOWN.has(w.code) ? t(`plan.warn.${w.code}` as MessageKey) : w.code;
}

/** Rows for the plan view's table: [kind, units (first ids)], and the grid to show for each row. */
export function warningRows(
  warnings: readonly PlanWarning[],
  gridOf: (unit: string) => string | null,
): { rows: string[][]; titles: string[]; grids: Array<string | null> } {
  const rows: string[][] = [];
  const titles: string[] = [];
  const grids: Array<string | null> = [];
  for (const w of warnings) {
    const units = w.units ?? [];
    // a grid's own warning (out of band) names the grid by its code; the others their units
    const byGrid = w.code === 'grid_out_of_band' && !!w.grids?.length;
    const shown = byGrid ? w.grids!.slice(0, 3).join(', ') : units.slice(0, 3).join(', ') + (units.length > 3 ? ` … (${units.length})` : '');
    rows.push([warningLabel(w), shown || (w.grids ?? []).slice(0, 3).join(', ')]);
    titles.push(w.message);
    grids.push(byGrid ? w.grids![0] : (units.map(gridOf).find((g): g is string => !!g) ?? w.grids?.[0] ?? null));
  }
  return { rows, titles, grids };
}
