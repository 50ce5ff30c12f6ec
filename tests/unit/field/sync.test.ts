/**
 * The offline queue's sync rule: an entry leaves the device only when the server acknowledged it;
 * a lost connection, a server error or an expired session keep it for later; a refusal keeps it
 * marked with the server's message. Property: over any sequence of server behaviours and rounds,
 * nothing is lost and nothing is stored twice (the server keeps one row per client key).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, syncQueue, type QueuedItem, type QueueStore } from '../../../client/src/views/field/sync';

function memStore(items: QueuedItem[]): QueueStore & { map: Map<string, QueuedItem> } {
  const map = new Map(items.map((i) => [i.key, i]));
  return { map, all: async () => [...map.values()], put: async (i) => void map.set(i.key, i), remove: async (k) => void map.delete(k) };
}
const item = (k: number): QueuedItem => ({ key: `k${k}`, kind: 'visit', body: { n: k }, createdAt: 1000 + k, attempts: 0, error: null, failed: false });
const httpError = (status: number, message = `status ${status}`) => Object.assign(new Error(message), { status });

describe('offline queue sync', () => {
  it('classifies failures: no connection / 5xx / 429 retry, 401 signs in, other 4xx are refusals', () => {
    expect(classify(new TypeError('Failed to fetch')).verdict).toBe('retry');
    for (const s of [408, 429, 500, 502, 503]) expect(classify(httpError(s)).verdict).toBe('retry');
    expect(classify(httpError(401)).verdict).toBe('signin');
    for (const s of [400, 403, 404, 409, 413]) expect(classify(httpError(s)).verdict).toBe('refused');
  });

  it('sends oldest first, stops at a lost connection and keeps the rest; a refusal is kept with its message', async () => {
    const store = memStore([item(3), item(1), item(2), item(4)]);
    const sent: string[] = [];
    const r = await syncQueue(store, async (i) => {
      if (i.key === 'k2') throw httpError(403, '不在您的网格内');
      if (i.key === 'k3') throw new TypeError('Failed to fetch');
      sent.push(i.key);
    });
    expect(sent).toEqual(['k1']);
    expect(r).toEqual({ sent: 1, refused: 1, left: 3, stoppedBy: 'offline' });
    expect(store.map.get('k2')).toMatchObject({ failed: true, error: '不在您的网格内', attempts: 1 });
    expect(store.map.get('k3')).toMatchObject({ failed: false, attempts: 1 });
    // next round: the refused one is not retried, the others go
    const again: string[] = [];
    const r2 = await syncQueue(store, async (i) => void again.push(i.key));
    expect(again).toEqual(['k3', 'k4']);
    expect(r2).toEqual({ sent: 2, refused: 0, left: 1, stoppedBy: null });
  });

  it('never loses an entry and never stores one twice, whatever the connection does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        // per send: ok, ok but the answer is lost (stored, then the network fails), offline, 500, 401, 400
        fc.array(fc.constantFrom('ok', 'lost', 'offline', '500', '401', '400'), { minLength: 1, maxLength: 80 }),
        async (n, script) => {
          const store = memStore(Array.from({ length: n }, (_, k) => item(k)));
          const server = new Map<string, number>(); // client key → rows stored
          let step = 0;
          const send = async (i: QueuedItem) => {
            const what = script[step++ % script.length];
            if (what === 'ok' || what === 'lost') server.set(i.key, 1); // idempotent by key: at most one row
            if (what === 'lost' || what === 'offline') throw new TypeError('Failed to fetch');
            if (what === '500') throw httpError(500);
            if (what === '401') throw httpError(401);
            if (what === '400') throw httpError(400);
          };
          for (let round = 0; round < 30; round++) await syncQueue(store, send);
          // a final round on a good connection
          await syncQueue(store, async (i) => void server.set(i.key, 1));
          for (let k = 0; k < n; k++) {
            const key = `k${k}`;
            const kept = store.map.get(key);
            // every entry is on the server, or still on the device marked refused (with its message)
            expect(server.has(key) || (kept?.failed === true && kept.error !== null)).toBe(true);
            if (kept) expect(kept.failed).toBe(true);
          }
          for (const rows of server.values()) expect(rows).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
