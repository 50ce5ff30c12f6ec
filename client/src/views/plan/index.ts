/**
 * The planner's map editor (#view=plan[&plan=ID]): select a grid, paint units into it (click, drag,
 * lasso; by unit, whole compound or whole block), erase to unassigned, lock, split / merge / new
 * grid, suggest-fix and rebalance proposals, undo/redo (server-side), publish; live statistics of
 * the selected grid and the plan computed on the client, confirmed by the server; problem and
 * "1+3" staffing tables, impact report with the changed area hatched, exports, print, import.
 *
 * This module wires the parts: the session (session.ts) over the plan's model (state.ts), loading
 * (load.ts), the server actions (actions.ts), the map tool (tool.ts), the side panel (panels.ts)
 * and the test hook (hook.ts).
 */
import type { ViewModule } from '../types';
import * as actions from './actions';
import { installHook } from './hook';
import { closePlan, openFirstPlan, prefetch } from './load';
import { PlanPanel } from './panels';
import { session, setRedraw, signal } from './session';
import { attach, detach } from './tool';
import './plan.css';

export { publishConfirmText } from './publish-text';
export type { PlanEditorHook } from './hook';

const panel = new PlanPanel(actions);
setRedraw({ all: () => panel.render(), stats: () => panel.renderStats(), message: () => panel.renderMessage() });

export const planView: ViewModule = {
  id: 'plan',
  roles: ['admin', 'planner', 'leader'],
  labelKey: 'view.plan',
  order: 10,
  layers: ['plan-units', 'plan-grids', 'built-units', 'units-quality'],
  prefetch,
  async activate(c) {
    session.ctx = c;
    session.ready = signal();
    session.gridsReady = signal();
    installHook(actions);
    attach(c.map, actions);
    await openFirstPlan();
    session.ready.resolve();
  },
  deactivate(c) {
    detach();
    panel.reset();
    closePlan(c.map);
  },
  setLang() {
    panel.render();
  },
};
