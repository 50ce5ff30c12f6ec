import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The Content Security Policy: only our own origin. MapLibre GL needs blob: workers and blob:/data:
 * images, and sets inline styles on markers and popups ('unsafe-inline' for styles only; scripts
 * never run inline). The GeoPackage preview compiles sql.js's WebAssembly (served from our origin):
 * 'wasm-unsafe-eval' allows WebAssembly compilation only, not JavaScript eval. No CDN, no
 * third-party origin anywhere.
 */
export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'child-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

export function cspHeaderValue(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** Security headers on every response (@fastify/helmet). */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
      // same-origin app: no cross-origin embedding of our resources
      crossOriginResourcePolicy: { policy: 'same-origin' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      // COEP would block nothing we need but complicates blob: workers in some browsers
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      // HSTS only makes sense behind TLS; browsers ignore it over plain HTTP
      strictTransportSecurity: { maxAge: 15552000, includeSubDomains: false },
    });
  },
  { name: 'wangge-security' },
);
