/** Labels and times for the case panels (Asia/Shanghai wall time, dictionary labels). */
import type { CaseKind, CaseStatus, CaseSla, SlaLevel } from '../../api/cases';
import { t, type MessageKey } from '../../i18n';
import { slaCss } from '../../layers/cases';
import { h } from '../../panels/dom';

export const statusLabel = (s: CaseStatus | string) => t(`cases.status.${s}` as MessageKey);
export const kindLabel = (k: CaseKind | string | null) => (k ? t(`cases.kind.${k}` as MessageKey) : t('cases.kind.none'));

/** Button label of a transition (feedback → accepted reads as "back to the department"). */
export function actionLabel(from: CaseStatus, to: CaseStatus): string {
  return from === 'feedback' && to === 'accepted' ? t('cases.action.feedback.accepted') : t(`cases.action.${to}` as MessageKey);
}

/** 'YYYY-MM-DD HH:mm' in Asia/Shanghai. */
export function shanghai(iso: string | null): string {
  if (!iso) return t('cases.none');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
}

/** "3.5 h" style text of a duration in hours, switching to days from 48 h. */
export function durationText(hours: number, over: boolean): string {
  const a = Math.abs(hours);
  if (a >= 48) return t(over ? 'cases.daysOver' : 'cases.daysLeft', { d: (a / 24).toFixed(1) });
  return t(over ? 'cases.hoursOver' : 'cases.hoursLeft', { h: a.toFixed(1) });
}

/** "12.0 h left" / "overdue 3.5 × 24 h" for a running clock; '' otherwise. */
export function slaText(sla: CaseSla): string {
  if (sla.hoursLeft === null || sla.level === 'none') return '';
  const stage = sla.stage ? `${t(`cases.stage.${sla.stage}` as MessageKey)} · ` : '';
  return stage + durationText(sla.hoursLeft, sla.hoursLeft < 0);
}

export function slaDot(level: SlaLevel): HTMLElement {
  const el = h('span', { class: `cs-dot cs-${level}`, title: t(`cases.sla.${level}` as MessageKey) });
  el.style.background = slaCss(level);
  return el;
}
