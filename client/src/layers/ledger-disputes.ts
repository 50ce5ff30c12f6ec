/**
 * Leaders' layer: open disputes (矛盾纠纷 without an outcome) in each grid's ledger: pale none,
 * amber 1-2, red 3 or more.
 */
import { ledgerGridLayer, SUPPRESSED_GREY } from './ledger-grids';

export const DISPUTE_COLORS = { none: '#f7f7f7', few: '#fdae61', many: '#b2182b' } as const;

export const ledgerDisputesLayer = ledgerGridLayer({
  id: 'ledger-disputes',
  labelKey: 'ledger.layer.disputes',
  color: [
    'case',
    ['==', ['get', 'disputesOpen'], null],
    SUPPRESSED_GREY,
    ['==', ['get', 'disputesOpen'], 0],
    DISPUTE_COLORS.none,
    ['<', ['get', 'disputesOpen'], 3],
    DISPUTE_COLORS.few,
    DISPUTE_COLORS.many,
  ],
  legend: [
    { labelKey: 'ledger.legend.disputesNone', swatch: { type: 'fill', color: DISPUTE_COLORS.none, outline: '#37474f' } },
    { labelKey: 'ledger.legend.disputesFew', swatch: { type: 'fill', color: DISPUTE_COLORS.few } },
    { labelKey: 'ledger.legend.disputesMany', swatch: { type: 'fill', color: DISPUTE_COLORS.many } },
    { labelKey: 'ledger.legend.suppressed', swatch: { type: 'fill', color: SUPPRESSED_GREY } },
  ],
});
