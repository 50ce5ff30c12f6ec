/** Registers the base layer modules, bottom to top (the switcher lists them top first). New capabilities add theirs the same way. */
import { registerLayer } from './registry';
import { casesLayer } from './cases';
import { compoundsLayer } from './compounds';
import { buildingsLayer } from './buildings';
import { streetsLayer } from './streets';
import { communitiesLayer } from './communities';
import { subdistrictsLayer } from './subdistricts';
import { shopsLayer } from './shops';
import { incidentsLayer } from './incidents';
import { waterLayer } from './water';
import { unitsLayer, partyLayer } from './units';
import { builtUnitsLayer } from './built-units';
import { qualityLayer } from './quality';
import { gridsLayer } from './grids';
import { heatmapLayer } from './heatmap';
import { hexbinsLayer } from './hexbins';
import { gridChoroplethLayer } from './grid-choropleth';
import { hotspotClassesLayer } from './hotspot-classes';

import { groupsLayer } from './groups';
import { isochroneLayer } from './isochrone';
import { patrolLayer } from './patrol';
import { patrolDraftLayer } from './patrol-draft';
import { patrolPlanLayer } from './patrol-plan';
import { importPreviewLayer } from './import-preview';
import { partyBranchesLayer } from './party-branches';
import { committeeMatchesLayer } from './committee-matches';
import { ledgerCoverageLayer } from './ledger-coverage';
import { ledgerHoursLayer } from './ledger-hours';
import { ledgerDisputesLayer } from './ledger-disputes';
export function registerBaseLayers(): void {
  for (const m of [waterLayer, compoundsLayer, buildingsLayer, streetsLayer, communitiesLayer, subdistrictsLayer, shopsLayer, incidentsLayer]) registerLayer(m);
  for (const m of [gridChoroplethLayer, hotspotClassesLayer, hexbinsLayer, heatmapLayer]) registerLayer(m);
  for (const m of [builtUnitsLayer, unitsLayer, gridsLayer, partyLayer, qualityLayer]) registerLayer(m);
  for (const m of [groupsLayer, isochroneLayer, patrolLayer, patrolDraftLayer, patrolPlanLayer]) registerLayer(m);
  registerLayer(partyBranchesLayer);
  for (const m of [ledgerCoverageLayer, ledgerHoursLayer, ledgerDisputesLayer]) registerLayer(m);
  registerLayer(committeeMatchesLayer);
  registerLayer(casesLayer);
  registerLayer(importPreviewLayer);
}
