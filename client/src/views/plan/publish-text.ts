/**
 * What publishing a plan will do, in words for the confirmation: which sub-districts' grids come
 * into force, which published plans they replace and what of those stays published. Pure.
 */
import type { PublishEffect } from '../../api/plans';
import { getLang, t } from '../../i18n';

/** Sub-district names in the UI language ("人民路街道、新河路街道"). */
export function subNames(ids: string[], names: PublishEffect['names']): string {
  const en = getLang() === 'en';
  return ids.map((id) => (en ? names[id]?.name_en : names[id]?.name) ?? names[id]?.name ?? id).join(en ? ', ' : '、');
}

/** The confirmation text: what comes into force, what is replaced and what stays published. */
export function publishConfirmText(e: PublishEffect): string {
  const lines = [t('plan.publish.confirm', { subs: subNames(e.subdistricts, e.names), grids: e.grids })];
  if (!e.replaces.length) lines.push(t('plan.publish.first'));
  for (const r of e.replaces) {
    lines.push(t('plan.publish.replaces', { name: r.name, subs: subNames(r.replaced, e.names), n: r.replacedGrids }));
    if (r.kept.length) lines.push(t('plan.publish.keeps', { name: r.name, subs: subNames(r.kept, e.names), n: r.keptGrids }));
  }
  return lines.join('\n');
}
