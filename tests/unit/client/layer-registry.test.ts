import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LayerRegistry } from '../../../client/src/layers/registry';
import type { LayerModule } from '../../../client/src/layers/types';

/** Issue 14/15: the overview offers only layers the role may read; switches are kept per user. */
const mod = (id: string, extra: Partial<LayerModule> = {}): LayerModule => ({
  id,
  labelKey: 'panel.layers',
  kind: 'style',
  group: 'analysis',
  defaultVisible: false,
  legend: [],
  add() {},
  remove() {},
  setVisible() {},
  ...extra,
});

describe('layer registry', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
  });
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it('does not offer a layer to a role that may not read its data', () => {
    const r = new LayerRegistry();
    r.setUser({ username: 'p', role: 'planner' });
    r.register(mod('cases', { roles: ['leader', 'admin', 'coordinator', 'grid_member'] }));
    r.register(mod('streets'));
    expect(r.list().map((m) => m.id)).toEqual(['streets']);
    const leader = new LayerRegistry();
    leader.setUser({ username: 'l', role: 'leader' });
    leader.register(mod('cases', { roles: ['leader'] }));
    expect(leader.list().map((m) => m.id)).toEqual(['cases']);
    const kiosk = new LayerRegistry(); // sign-in off: everything
    kiosk.register(mod('cases', { roles: ['leader'] }));
    expect(kiosk.list()).toHaveLength(1);
  });

  it("keeps each user's layer switches apart", () => {
    const a = new LayerRegistry();
    a.setUser({ username: 'alice', role: 'leader' });
    a.register(mod('cases'));
    a.setVisible('cases', true);
    const b = new LayerRegistry();
    b.setUser({ username: 'bob', role: 'leader' });
    b.register(mod('cases'));
    expect(b.isVisible('cases')).toBe(false);
    const a2 = new LayerRegistry();
    a2.setUser({ username: 'alice', role: 'leader' });
    a2.register(mod('cases'));
    expect(a2.isVisible('cases')).toBe(true);
  });

  it('never throws on unreadable stored switches', () => {
    for (const bad of ['null', '[1,2]', '{"cases":"yes"}', '{not json', '42']) {
      store.set('wangge.layers.carol', bad);
      const r = new LayerRegistry();
      r.setUser({ username: 'carol', role: 'leader' });
      expect(() => r.register(mod('cases'))).not.toThrow();
      expect(r.isVisible('cases')).toBe(false);
    }
  });

  it("draws a view's layers only while that view is open, and keeps their switches", async () => {
    const r = new LayerRegistry();
    const calls: Array<[string, boolean]> = [];
    const track = (id: string, extra: Partial<LayerModule> = {}) => mod(id, { setVisible: (_ctx, v) => void calls.push([id, v]), ...extra });
    r.register(track('streets', { defaultVisible: true }));
    r.register(
      track('patrol-plan', { view: 'groups', defaultVisible: true, legend: [{ labelKey: 'panel.legend', swatch: { type: 'point', color: '#000' } }] }),
    );
    r.register(track('heatmap', { view: 'hotspots', defaultVisible: true }));
    r.setActiveView('map');
    await r.attach({ map: {} as never, api: {} as never, busy: {} as never, lang: () => 'zh-CN', requestDeckRender() {} }, { setProps() {} } as never);
    // the overview: only the base layer is drawn; the others keep their switch (on)
    expect(['streets', 'patrol-plan', 'heatmap'].map((id) => r.isShown(id))).toEqual([true, false, false]);
    expect(r.isVisible('patrol-plan')).toBe(true);
    calls.length = 0;
    r.setActiveView('groups');
    expect(calls).toEqual([['patrol-plan', true]]);
    expect(r.isShown('patrol-plan')).toBe(true);
    calls.length = 0;
    r.setActiveView('hotspots');
    expect(calls.sort()).toEqual([
      ['heatmap', true],
      ['patrol-plan', false],
    ]);
    // switching a hidden view's layer keeps it hidden until its view opens
    calls.length = 0;
    r.setVisible('patrol-plan', true);
    expect(calls).toEqual([['patrol-plan', false]]);
  });
});
