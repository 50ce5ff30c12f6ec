/**
 * Leaders' layer: visit coverage per grid over the last 4 weeks (the share of the grid's households
 * living in a building visited in that time): red below 50%, amber to 80%, green from 80%.
 */
import { ledgerGridLayer, SUPPRESSED_GREY } from './ledger-grids';

export const COVERAGE_COLORS = { low: '#d73027', mid: '#fdae61', high: '#1a9850' } as const;

export const ledgerCoverageLayer = ledgerGridLayer({
  id: 'ledger-coverage',
  labelKey: 'ledger.layer.coverage',
  color: [
    'case',
    ['==', ['get', 'coverage4w'], null],
    SUPPRESSED_GREY,
    ['<', ['get', 'coverage4w'], 0.5],
    COVERAGE_COLORS.low,
    ['<', ['get', 'coverage4w'], 0.8],
    COVERAGE_COLORS.mid,
    COVERAGE_COLORS.high,
  ],
  legend: [
    { labelKey: 'ledger.legend.coverageHigh', swatch: { type: 'fill', color: COVERAGE_COLORS.high } },
    { labelKey: 'ledger.legend.coverageMid', swatch: { type: 'fill', color: COVERAGE_COLORS.mid } },
    { labelKey: 'ledger.legend.coverageLow', swatch: { type: 'fill', color: COVERAGE_COLORS.low } },
    { labelKey: 'ledger.legend.suppressed', swatch: { type: 'fill', color: SUPPRESSED_GREY } },
  ],
});
