import { describe, expect, it } from 'vitest';
import { withTileCache } from '../../server/tiles/cache';
import type { TileSource } from '../../server/tiles/types';

/** A source that counts calls and answers with its current "data" byte, after a tick. */
function counting() {
  const calls: string[] = [];
  let data = 1;
  let invalidated = 0;
  const src: TileSource = {
    kind: 'postgis',
    async tile(z, x, y) {
      calls.push(`${z}/${x}/${y}`);
      const v = data;
      await new Promise((r) => setTimeout(r, 5));
      return new Uint8Array([v, z, x, y]);
    },
    invalidate() {
      invalidated++;
    },
  };
  return { src, calls, setData: (v: number) => (data = v), invalidations: () => invalidated };
}

describe('withTileCache', () => {
  it('asks the source once for concurrent requests of one tile, then serves it from memory', async () => {
    const c = counting();
    const t = withTileCache(c.src);
    const all = await Promise.all(Array.from({ length: 50 }, () => t.tile(14, 3, 4)));
    expect(c.calls).toEqual(['14/3/4']);
    for (const b of all) expect([...b]).toEqual([1, 14, 3, 4]);
    await t.tile(14, 3, 4);
    await t.tile(14, 3, 5);
    expect(c.calls).toEqual(['14/3/4', '14/3/5']);
  });

  it('invalidate() drops kept tiles, reaches the source, and a tile built before it is not kept', async () => {
    const c = counting();
    const t = withTileCache(c.src);
    await t.tile(1, 0, 0);
    const racing = t.tile(2, 0, 0); // being built while the data changes
    c.setData(2);
    t.invalidate();
    expect(c.invalidations()).toBe(1);
    expect([...(await racing)][0]).toBe(1); // answered …
    expect([...(await t.tile(2, 0, 0))][0]).toBe(2); // … but not kept
    expect([...(await t.tile(1, 0, 0))][0]).toBe(2);
  });

  it('asks again after ttlMs (writes from another process) and keeps at most maxTiles', async () => {
    const c = counting();
    let clock = 0;
    const t = withTileCache(c.src, { ttlMs: 1000, maxTiles: 2, now: () => clock });
    await t.tile(0, 0, 0);
    clock = 1000;
    await t.tile(0, 0, 0);
    expect(c.calls.length).toBe(1);
    clock = 1001;
    c.setData(7);
    expect([...(await t.tile(0, 0, 0))][0]).toBe(7);
    await t.tile(1, 0, 0);
    await t.tile(1, 1, 0); // evicts 0/0/0, the least recently used
    await t.tile(0, 0, 0);
    expect(c.calls.filter((k) => k === '0/0/0').length).toBe(3);
  });

  it('does not keep a failed tile', async () => {
    let fail = true;
    const t = withTileCache({
      kind: 'postgis',
      tile: async () => {
        if (fail) throw new Error('db down');
        return new Uint8Array([9]);
      },
      invalidate() {},
    });
    await expect(t.tile(0, 0, 0)).rejects.toThrow('db down');
    fail = false;
    expect([...(await t.tile(0, 0, 0))]).toEqual([9]);
  });
});
