/**
 * Registers the service worker (client/public/sw.js: app shell and last answers cached, so the
 * field view opens without a connection). Only in a built client served by our server (Vite's dev
 * server serves modules the worker should not pin), and once per page.
 */
let registered = false;

export function registerServiceWorker(): void {
  if (registered || !('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  registered = true;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    registered = false; // not a secure context (plain http on another host): the app works online
  });
}
