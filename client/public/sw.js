/*
 * Wangge service worker (the grid member's offline app). Same-origin GET requests only; writes are
 * never touched (the page's IndexedDB queue holds entries made offline and sends them later).
 * - the app shell (/, index.html and the scripts and styles it names) is cached at install;
 * - /assets/, /fonts/ and the manifest/icons: cache first (file names are content-hashed);
 * - pages, /api/ and /tiles/ reads: network first, the last good answer when offline;
 * - sign-out ('clear' message) drops the cached API answers (they may hold the grid's households).
 * No URL outside our own origin is requested or cached.
 */
const VERSION = 'wangge-v1';
const SHELL = `${VERSION}-shell`;
const DATA = `${VERSION}-data`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const res = await fetch('/', { cache: 'no-store' });
      if (!res.ok) return;
      const html = await res.clone().text();
      await cache.put('/', res);
      const urls = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('//'));
      await Promise.all(urls.map((u) => cache.add(u).catch(() => undefined)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (!k.startsWith(VERSION)) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'clear') event.waitUntil(caches.delete(DATA));
});

async function cacheFirst(req) {
  const hit = await caches.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) (await caches.open(SHELL)).put(req, res.clone());
  return res;
}

async function networkFirst(req, fallbackUrl) {
  try {
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') (await caches.open(DATA)).put(req, res.clone());
    return res;
  } catch (err) {
    const hit = (await caches.match(req)) ?? (fallbackUrl ? await caches.match(fallbackUrl) : undefined);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/jobs/') && url.pathname.endsWith('/events')) return; // server-sent events
  if (url.pathname.startsWith('/api/ledger/export') || url.pathname.startsWith('/api/ledger/summary/export')) return; // downloads
  if (req.mode === 'navigate') return event.respondWith(networkFirst(req, '/'));
  if (/^\/(assets|fonts|print-fonts|icons)\//.test(url.pathname) || url.pathname === '/manifest.webmanifest') return event.respondWith(cacheFirst(req));
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/tiles/')) return event.respondWith(networkFirst(req));
});
