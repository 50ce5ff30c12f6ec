/** The plan panel's small building blocks: a button and a table whose rows can be clicked. */
import { h } from '../../panels/dom';

export function btn(
  label: string,
  onClick: () => void,
  opts: { testid?: string; disabled?: boolean; active?: boolean; title?: string; kind?: string } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: `plan-btn${opts.active ? ' active' : ''}${opts.kind ? ` ${opts.kind}` : ''}`,
      'data-testid': opts.testid,
      disabled: opts.disabled,
      title: opts.title,
    },
    label,
  );
  b.addEventListener('click', onClick);
  return b;
}

export function table(head: string[], rows: Array<Array<string | number>>, onRow?: (i: number) => void, testid?: string): HTMLElement {
  const tb = h('tbody', {});
  rows.forEach((r, i) => {
    const tr = h('tr', {}, ...r.map((c) => h('td', {}, String(c))));
    if (onRow) {
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(i));
    }
    tb.append(tr);
  });
  return h('table', { class: 'plan-table', 'data-testid': testid }, h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))), tb);
}
