import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export interface StaticOptions {
  /** Built client (vite build output). Served at / when it holds index.html. */
  clientDir?: string;
  /** Self-hosted glyphs, served at /fonts/ when there is no built client (development through Vite's proxy). */
  fontsDir?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when the built client is served: unknown page paths answer index.html (SPA fallback). */
    clientIndex?: string;
  }
}

export const DEFAULT_FONTS_DIR = resolve('client/public/fonts');

/**
 * Serves the built client at / (with the SPA fallback in the not-found handler, see errors.ts);
 * skipped when the directory is absent. Without a build, serves client/public/fonts at /fonts/.
 */
export default fp<StaticOptions>(
  async (app, opts) => {
    const clientDir = opts.clientDir ? resolve(opts.clientDir) : undefined;
    if (clientDir && existsSync(join(clientDir, 'index.html'))) {
      await app.register(fastifyStatic, { root: clientDir, prefix: '/', wildcard: true, index: ['index.html'] });
      app.decorate('clientIndex', join(clientDir, 'index.html'));
      return;
    }
    const fontsDir = opts.fontsDir ?? DEFAULT_FONTS_DIR;
    if (existsSync(fontsDir)) await app.register(fastifyStatic, { root: fontsDir, prefix: '/fonts/', wildcard: true });
  },
  { name: 'wangge-static' },
);
