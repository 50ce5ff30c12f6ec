/**
 * State of the weekly patrol plan in the joint-defense view, shared by the panel
 * (./patrol-plan.ts) and its map layer (layers/patrol-plan.ts): the plan, the patrols as edited
 * (routes re-computed by the server), the weekday shown on the map.
 */
import type { PatrolPlan, PlanPatrol } from '../api/patrol-plans';

type Listener = () => void;

class PlanState {
  plan: PatrolPlan | null = null;
  /** the patrols as shown and edited (the plan's until an edit re-routes them) */
  patrols: PlanPatrol[] = [];
  /** weekday (1-7) whose patrols the map shows; 0 = the whole week */
  weekday = 0;
  private listeners = new Set<Listener>();

  set(patch: Partial<Pick<PlanState, 'plan' | 'patrols' | 'weekday'>>): void {
    Object.assign(this, patch);
    for (const l of this.listeners) l();
  }

  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const planState = new PlanState();
