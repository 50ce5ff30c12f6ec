/**
 * The "report a matter" form (网格发现): category chips, title, description, the location (the
 * member's area centre by default, or the point clicked on the map), submit → a whistle case at
 * its first step (上报). Server messages are shown under the button.
 */
import { casesApi, type CaseDetail } from '../../api/cases';
import { t, type MessageKey } from '../../i18n';
import { h } from '../../panels/dom';
import type { Busy } from '../../panels/busy';

/** Report categories; the Chinese label prefixes the case title (case data is Chinese). */
export const CATEGORIES = ['security', 'fire', 'dispute', 'sanitation', 'facility', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
const CATEGORY_ZH: Record<Category, string> = {
  security: '治安隐患',
  fire: '消防安全',
  dispute: '矛盾纠纷',
  sanitation: '环境卫生',
  facility: '市政设施',
  other: '其他',
};

/** The title the server stores: "消防安全：楼道堆放杂物". */
export const caseTitle = (cat: Category, title: string) => `${CATEGORY_ZH[cat]}：${title.trim()}`;

export interface ReportFormDeps {
  busy: Busy;
  /** The chosen location and whether it is the default centre. */
  point: () => { lonLat: [number, number] | null; picked: boolean };
  resetPoint: () => void;
  onReported: (c: CaseDetail) => void;
}

export interface ReportForm {
  el: HTMLElement;
  /** Re-renders the location line (after a map click). */
  updatePoint: () => void;
  /** Shows a message (e.g. a click outside the member's area). */
  say: (text: string, error?: boolean) => void;
}

export function reportForm(deps: ReportFormDeps, areaText: string): ReportForm {
  let category: Category | null = null;
  const chips = h('div', { class: 'fd-chips', role: 'radiogroup', 'aria-label': t('field.category') });
  for (const c of CATEGORIES) {
    const b = h(
      'button',
      { type: 'button', class: 'fd-chip', role: 'radio', 'aria-checked': 'false', 'data-testid': `field-cat-${c}` },
      t(`field.cat.${c}` as MessageKey),
    );
    b.addEventListener('click', () => {
      category = c;
      for (const x of chips.children) x.setAttribute('aria-checked', String(x === b));
    });
    chips.append(b);
  }
  const title = h('input', {
    class: 'fd-input',
    name: 'title',
    maxlength: '150',
    placeholder: t('field.titlePh'),
    'data-testid': 'field-title',
    autocomplete: 'off',
  });
  const note = h('textarea', {
    class: 'fd-input fd-note',
    name: 'note',
    rows: '3',
    maxlength: '2000',
    placeholder: t('field.notePh'),
    'data-testid': 'field-note',
  });
  const where = h('div', { class: 'fd-where', 'data-testid': 'field-location' });
  const reset = h('button', { type: 'button', class: 'fd-link', 'data-testid': 'field-location-reset' }, t('field.locationReset'));
  reset.addEventListener('click', () => deps.resetPoint());
  const status = h('p', { class: 'fd-status', role: 'status', 'data-testid': 'field-status' });
  const submit = h('button', { type: 'submit', class: 'fd-btn fd-primary', 'data-testid': 'field-submit' }, t('field.submit'));

  const say = (text: string, error = false) => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };
  const updatePoint = () => {
    const p = deps.point();
    where.replaceChildren(
      h(
        'span',
        {},
        p.lonLat
          ? t(p.picked ? 'field.locationPicked' : 'field.locationCentre', { lon: p.lonLat[0].toFixed(5), lat: p.lonLat[1].toFixed(5) })
          : t('field.locationNone'),
      ),
      ...(p.picked ? [reset] : []),
    );
  };

  const form = h(
    'form',
    { class: 'fd-form', 'data-testid': 'field-form', novalidate: true },
    h('p', { class: 'fd-muted' }, areaText),
    h('div', { class: 'fd-label' }, t('field.category')),
    chips,
    h('label', { class: 'fd-label' }, t('field.title'), title),
    h('label', { class: 'fd-label' }, t('field.note'), note),
    h('div', { class: 'fd-label' }, t('field.location')),
    where,
    h('p', { class: 'fd-muted' }, t('field.locationHint')),
    submit,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });

  async function send(): Promise<void> {
    const p = deps.point();
    if (!category) return say(t('field.needCategory'), true);
    if (!title.value.trim()) {
      title.focus();
      return say(t('field.needTitle'), true);
    }
    if (!p.lonLat) return say(t('field.needLocation'), true);
    submit.disabled = true;
    say(t('field.sending'));
    try {
      const c = await deps.busy.track(
        casesApi.report({
          title: caseTitle(category, title.value),
          lon: p.lonLat[0],
          lat: p.lonLat[1],
          ...(note.value.trim() ? { note: note.value.trim() } : {}),
        }),
        'field.sending',
      );
      title.value = '';
      note.value = '';
      category = null;
      for (const x of chips.children) x.setAttribute('aria-checked', 'false');
      say(t('field.reported', { id: c.id }));
      deps.onReported(c);
    } catch (err) {
      say(err instanceof Error ? err.message : String(err), true);
    } finally {
      submit.disabled = false;
    }
  }

  updatePoint();
  return { el: form, updatePoint, say };
}
