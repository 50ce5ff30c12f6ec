/**
 * The device's queue of field entries (visits, ledger entries) in IndexedDB (idb), per user: every
 * entry is queued first and then sent (one path online and offline), so a lost connection or a
 * closed tab never loses it. Sync runs at start, after each new entry, when the browser comes back
 * online and every 30 s; listeners get the number waiting (the "n waiting" badge).
 */
import { openDB, type IDBPDatabase } from 'idb';
import { fieldApi, type EntryBody, type VisitBody } from '../../api/field';
import { syncQueue, type QueueKind, type QueuedItem, type QueueStore, type SyncResult } from './sync';

const STORE = 'queue';

export interface FieldQueue {
  add(kind: QueueKind, body: VisitBody | EntryBody): Promise<void>;
  items(): Promise<QueuedItem[]>;
  discard(key: string): Promise<void>;
  sync(): Promise<SyncResult>;
  onChange(fn: (items: QueuedItem[], last: SyncResult | null) => void): () => void;
  close(): void;
}

/** A UUID for the server's idempotency check (crypto.randomUUID needs a secure context: fall back). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function openQueue(user: string): Promise<FieldQueue> {
  const db: IDBPDatabase = await openDB(`wangge-field-${user}`, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' });
    },
  });
  const store: QueueStore = {
    all: () => db.getAll(STORE) as Promise<QueuedItem[]>,
    put: async (i) => void (await db.put(STORE, i)),
    remove: (k) => db.delete(STORE, k),
  };
  const listeners = new Set<(items: QueuedItem[], last: SyncResult | null) => void>();
  let last: SyncResult | null = null;
  let running: Promise<SyncResult> | null = null;
  const emit = async () => {
    const items = await store.all();
    for (const l of listeners) l(items, last);
  };
  const send = async (i: QueuedItem) => {
    if (i.kind === 'visit') await fieldApi.saveVisit(i.body as VisitBody);
    else await fieldApi.saveEntry(i.body as EntryBody);
  };
  const sync = (): Promise<SyncResult> => {
    running ??= syncQueue(store, send)
      .then(async (r) => {
        last = r;
        await emit();
        return r;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const online = () => void sync();
  window.addEventListener('online', online);
  const timer = window.setInterval(() => {
    if (navigator.onLine) void sync();
  }, 30_000);
  return {
    async add(kind, body) {
      await store.put({ key: body.clientKey, kind, body, createdAt: Date.now(), attempts: 0, error: null, failed: false });
      await emit();
      void sync();
    },
    items: () => store.all(),
    async discard(key) {
      await store.remove(key);
      await emit();
    },
    sync,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      window.removeEventListener('online', online);
      window.clearInterval(timer);
      listeners.clear();
      db.close();
    },
  };
}
