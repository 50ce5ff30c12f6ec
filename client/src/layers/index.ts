/** Registers the base layer modules, in draw/listing order. New capabilities add theirs the same way. */
import { registerLayer } from './registry';
import { compoundsLayer } from './compounds';
import { buildingsLayer } from './buildings';
import { streetsLayer } from './streets';
import { communitiesLayer } from './communities';
import { subdistrictsLayer } from './subdistricts';
import { shopsLayer } from './shops';
import { incidentsLayer } from './incidents';

export function registerBaseLayers(): void {
  for (const m of [subdistrictsLayer, communitiesLayer, streetsLayer, buildingsLayer, compoundsLayer, shopsLayer, incidentsLayer]) registerLayer(m);
}
