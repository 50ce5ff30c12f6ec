/**
 * The global busy / progress indicator: a thin bar at the top of the map plus a label.
 * Any module calls `busy.track(promise, key)` or `const task = busy.start(key); task.progress(0.4); task.done()`.
 */
import { t, type MessageKey } from '../i18n';

export interface BusyTask {
  /** Fraction done, 0..1 (omit for indeterminate). */
  progress(fraction: number): void;
  done(): void;
}

export interface Busy {
  start(labelKey: MessageKey): BusyTask;
  track<T>(p: Promise<T>, labelKey: MessageKey): Promise<T>;
  /** Number of tasks running now. */
  active(): number;
}

interface Entry {
  labelKey: MessageKey;
  fraction: number | null;
}

export function createBusy(host: HTMLElement): Busy {
  const el = document.createElement('div');
  el.className = 'busy';
  el.setAttribute('role', 'progressbar');
  el.innerHTML = '<div class="busy-bar"><div class="busy-fill"></div></div><div class="busy-label"></div>';
  host.appendChild(el);
  const fill = el.querySelector<HTMLDivElement>('.busy-fill')!;
  const label = el.querySelector<HTMLDivElement>('.busy-label')!;
  const tasks = new Map<number, Entry>();
  let seq = 0;

  const render = () => {
    el.classList.toggle('is-active', tasks.size > 0);
    el.dataset.active = String(tasks.size);
    if (tasks.size === 0) return;
    const entries = [...tasks.values()];
    const determinate = entries.every((e) => e.fraction !== null);
    el.classList.toggle('is-indeterminate', !determinate);
    const frac = determinate ? entries.reduce((s, e) => s + (e.fraction ?? 0), 0) / entries.length : 0;
    fill.style.width = determinate ? `${Math.round(frac * 100)}%` : '';
    el.setAttribute('aria-valuenow', determinate ? String(Math.round(frac * 100)) : '');
    label.textContent = t(entries[entries.length - 1].labelKey);
  };

  const busy: Busy = {
    start(labelKey) {
      const id = ++seq;
      tasks.set(id, { labelKey, fraction: null });
      render();
      return {
        progress(fraction) {
          const e = tasks.get(id);
          if (e) e.fraction = Math.max(0, Math.min(1, fraction));
          render();
        },
        done() {
          tasks.delete(id);
          render();
        },
      };
    },
    async track(p, labelKey) {
      const task = busy.start(labelKey);
      try {
        return await p;
      } finally {
        task.done();
      }
    },
    active: () => tasks.size,
  };
  return busy;
}
