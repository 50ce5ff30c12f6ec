/**
 * holdFrames (client/src/map/hold-frames.ts) against a stand-in with MapLibre's repaint surface:
 * repaints asked while held become one repaint on release; a scheduled frame is cancelled and
 * redone on release; the hold ends on a map move and after its time limit; MapLibre's own
 * triggerRepaint is back afterwards.
 */
import type { Map as MlMap } from 'maplibre-gl';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdFrames } from '../../../client/src/map/hold-frames';

class FakeMap {
  repaints = 0;
  _frameRequest: AbortController | null = null;
  private handlers = new Map<string, Set<() => void>>();
  triggerRepaint(): void {
    this.repaints++;
    this._frameRequest ??= new AbortController();
  }
  on(e: string, f: () => void): this {
    if (!this.handlers.has(e)) this.handlers.set(e, new Set());
    this.handlers.get(e)!.add(f);
    return this;
  }
  off(e: string, f: () => void): this {
    this.handlers.get(e)?.delete(f);
    return this;
  }
  fire(e: string): void {
    for (const f of [...(this.handlers.get(e) ?? [])]) f();
  }
  listeners(e: string): number {
    return this.handlers.get(e)?.size ?? 0;
  }
}

const asMap = (m: FakeMap) => m as unknown as MlMap;

describe('holdFrames', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns the repaints asked while held into one on release, then repaints normally', () => {
    const m = new FakeMap();
    const release = holdFrames(asMap(m));
    m.triggerRepaint();
    m.triggerRepaint();
    expect(m.repaints).toBe(0);
    release();
    expect(m.repaints).toBe(1);
    release(); // idempotent
    expect(m.repaints).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(m, 'triggerRepaint')).toBe(false);
    m.triggerRepaint();
    expect(m.repaints).toBe(2);
    expect(m.listeners('movestart')).toBe(0);
  });

  it('does not repaint on release when nothing asked', () => {
    const m = new FakeMap();
    holdFrames(asMap(m))();
    expect(m.repaints).toBe(0);
  });

  it('cancels a frame scheduled before the hold and redoes it on release', () => {
    const m = new FakeMap();
    m.triggerRepaint();
    const scheduled = m._frameRequest!;
    const release = holdFrames(asMap(m));
    expect(scheduled.signal.aborted).toBe(true);
    expect(m._frameRequest).toBeNull();
    release();
    expect(m.repaints).toBe(2);
    expect(m._frameRequest).not.toBeNull();
  });

  it('ends on a map move and after its time limit', () => {
    const m = new FakeMap();
    holdFrames(asMap(m));
    m.triggerRepaint();
    m.fire('movestart');
    expect(m.repaints).toBe(1);
    m.triggerRepaint();
    expect(m.repaints).toBe(2);

    const n = new FakeMap();
    holdFrames(asMap(n), 100);
    n.triggerRepaint();
    vi.advanceTimersByTime(99);
    expect(n.repaints).toBe(0);
    vi.advanceTimersByTime(1);
    expect(n.repaints).toBe(1);
    expect(n.listeners('movestart')).toBe(0);
  });
});
