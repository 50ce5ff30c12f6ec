/**
 * The confirmation shown before an automatic regroup, in the panel (not a browser confirm()): it
 * says, from the server's preview, how many shops are regrouped, how many groups are replaced
 * (archived, still viewable), how many records are carried to the new groups, how many groups keep
 * their records, and what happens to saved patrol routes. Resolves true on confirm.
 */
import type { AutoPreview, RecordCounts } from '../../api/groups';
import { t } from '../../i18n';
import { h } from '../../panels/dom';

export const recordTotal = (r: RecordCounts): number => r.equipment + r.drills + r.patrol_logs + r.schedule;

/** The sentences of the dialog (also used by tests through the DOM). */
export function regroupLines(p: AutoPreview, subdistrictName: string): string[] {
  const lines = [t('grp.regroup.shops', { shops: p.shops, sub: subdistrictName })];
  if (p.groups_replaced === 0 && p.groups_kept === 0) lines.push(t('grp.regroup.noGroups'));
  if (p.groups_replaced > 0) {
    lines.push(t('grp.regroup.replaced', { n: p.groups_replaced }));
    const total = recordTotal(p.records);
    lines.push(
      total > 0
        ? t('grp.regroup.carried', {
            n: total,
            equipment: p.records.equipment,
            drills: p.records.drills,
            logs: p.records.patrol_logs,
            schedule: p.records.schedule,
          })
        : t('grp.regroup.noRecords'),
    );
    if (p.routes > 0) lines.push(t('grp.regroup.routes', { n: p.routes }));
  }
  if (p.groups_kept > 0) lines.push(t('grp.regroup.kept', { n: p.groups_kept }));
  return lines;
}

/** Shows the dialog in `host` until the user confirms or cancels. */
export function confirmRegroup(host: HTMLElement, p: AutoPreview, subdistrictName: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'primary', 'data-testid': 'groups-regroup-confirm' }, t('grp.regroup.confirm'));
    const cancel = h('button', { type: 'button', 'data-testid': 'groups-regroup-cancel' }, t('grp.cancel'));
    const box = h(
      'section',
      { class: 'grp-confirm', role: 'alertdialog', 'aria-labelledby': 'grp-confirm-title', 'data-testid': 'groups-regroup-dialog' },
      h('h3', { id: 'grp-confirm-title' }, t('grp.regroup.title')),
      ...regroupLines(p, subdistrictName).map((line) => h('p', {}, line)),
      h('div', { class: 'grp-actions' }, ok, cancel),
    );
    const done = (v: boolean) => {
      box.remove();
      resolve(v);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    host.replaceChildren(box);
    ok.focus();
  });
}
