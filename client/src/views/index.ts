import { overviewView } from './overview';
import { planView } from './plan';
import { hotspotsView } from './hotspots';
import { groupsView } from './groups';
import { casesView } from './cases';
import { importView } from './import';
import { fieldView } from './field';
import { ledgerView } from './ledger';
import { adminView } from './admin';
import { partyView } from './party';
import { views } from './registry';

/**
 * Registers every view. Capabilities add one line here (their view module lives in
 * `client/src/views/<capability>/`).
 */
export function registerViews(): void {
  views.register(overviewView);
  views.register(planView);
  views.register(hotspotsView);
  views.register(groupsView);
  views.register(casesView);
  views.register(importView);
  views.register(fieldView);
  views.register(ledgerView);
  views.register(partyView);
  views.register(adminView);
}
