/**
 * The offline queue's sync rule (no I/O of its own: the store and the sender are passed in, so it is
 * tested without a browser). Entries go out oldest first; an entry leaves the queue only when the
 * server has acknowledged it (201 stored, or 200 duplicate: the server keeps one row per client
 * key, so a lost answer and a resend never make two). No connection, a server error or a rate
 * limit stops the round and keeps the entry for the next one; an expired session stops it too; a
 * refusal (4xx: outside the grid, a bad time…) keeps the entry, marked with the server's message,
 * until the member deals with it. Nothing is ever dropped silently.
 */
export type QueueKind = 'visit' | 'entry';

export interface QueuedItem {
  /** the idempotency key sent to the server (clientKey) */
  key: string;
  kind: QueueKind;
  body: unknown;
  createdAt: number;
  attempts: number;
  /** the server's refusal, shown to the member */
  error: string | null;
  /** refused by the server: not retried automatically */
  failed: boolean;
}

export interface QueueStore {
  all(): Promise<QueuedItem[]>;
  put(item: QueuedItem): Promise<void>;
  remove(key: string): Promise<void>;
}

export type Verdict = 'retry' | 'signin' | 'refused';

/** What to do after a send failed: a status-less error is a lost connection. */
export function classify(err: unknown): { verdict: Verdict; message: string } {
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 0;
  const message = err instanceof Error ? err.message : String(err);
  if (status === 401) return { verdict: 'signin', message };
  if (status === 0 || status === 408 || status === 425 || status === 429 || status >= 500) return { verdict: 'retry', message };
  return { verdict: 'refused', message };
}

export interface SyncResult {
  sent: number;
  refused: number;
  /** entries still queued (waiting or refused) */
  left: number;
  stoppedBy: 'offline' | 'signin' | null;
}

export async function syncQueue(store: QueueStore, send: (item: QueuedItem) => Promise<void>): Promise<SyncResult> {
  const items = (await store.all()).sort((a, b) => a.createdAt - b.createdAt || a.key.localeCompare(b.key));
  let sent = 0;
  let refused = 0;
  let stoppedBy: SyncResult['stoppedBy'] = null;
  for (const item of items) {
    if (item.failed) continue;
    try {
      await send(item);
      await store.remove(item.key);
      sent++;
    } catch (err) {
      const c = classify(err);
      if (c.verdict === 'refused') {
        await store.put({ ...item, attempts: item.attempts + 1, failed: true, error: c.message });
        refused++;
        continue;
      }
      await store.put({ ...item, attempts: item.attempts + 1 });
      stoppedBy = c.verdict === 'signin' ? 'signin' : 'offline';
      break;
    }
  }
  return { sent, refused, left: (await store.all()).length, stoppedBy };
}
