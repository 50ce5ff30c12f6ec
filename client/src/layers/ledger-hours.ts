/**
 * Leaders' layer: grids under the 5-hour rule last full week (how many of the grid's people visited
 * less than 5 hours): green none, amber one, red two or more.
 */
import { ledgerGridLayer, SUPPRESSED_GREY } from './ledger-grids';

export const HOURS_COLORS = { none: '#1a9850', one: '#fdae61', more: '#d73027' } as const;

export const ledgerHoursLayer = ledgerGridLayer({
  id: 'ledger-hours',
  labelKey: 'ledger.layer.hours',
  color: [
    'case',
    ['==', ['get', 'under5h'], null],
    SUPPRESSED_GREY,
    ['==', ['get', 'under5h'], 0],
    HOURS_COLORS.none,
    ['==', ['get', 'under5h'], 1],
    HOURS_COLORS.one,
    HOURS_COLORS.more,
  ],
  legend: [
    { labelKey: 'ledger.legend.hoursNone', swatch: { type: 'fill', color: HOURS_COLORS.none } },
    { labelKey: 'ledger.legend.hoursOne', swatch: { type: 'fill', color: HOURS_COLORS.one } },
    { labelKey: 'ledger.legend.hoursMore', swatch: { type: 'fill', color: HOURS_COLORS.more } },
    { labelKey: 'ledger.legend.suppressed', swatch: { type: 'fill', color: SUPPRESSED_GREY } },
  ],
});
