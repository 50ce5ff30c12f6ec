// Lint rules that keep the tree's shape (issue K), run by `npm run lint` and by .ci/run before the
// tests:
// - typescript-eslint's recommended set;
// - no import cycles (import-x/no-cycle); every imported package declared (import-x/no-extraneous-dependencies);
// - imports point one way: the client never imports server code, the server never imports the
//   client, and common/ (pure code both sides share) imports neither;
// - an algorithm's internals are its own: outside server/algorithms/<name>/ and its unit tests,
//   code imports the algorithm's index (server/algorithms/<name>), never a file inside it;
// - capability code (server/<capability>/) never imports a plugin (server/plugins/): plugins use it.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { readdirSync } from 'node:fs';

/** server/'s capability folders (every folder but plugins/): they never import a plugin. */
const CAPABILITY_DIRS = readdirSync('server', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'plugins')
  .map((d) => `./server/${d.name}`);

const ALGORITHMS = ['editor', 'geo', 'grouping', 'hotspots', 'partition', 'patrol', 'patrol-plan', 'routing', 'units'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'test-results/**', 'client/public/**', 'bench/results/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // every package imported is declared in package.json (none used through another's dependencies)
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './client', from: './server', message: 'The client talks to the server over HTTP only; shared pure code lives in common/.' },
            { target: './server', from: './client', message: 'The server does not import client code; shared pure code lives in common/.' },
            {
              target: './common',
              from: ['./server', './client', './scripts', './tests'],
              message: 'common/ is shared by client and server: it imports neither.',
            },
            {
              target: ['./client/src/layers', './client/src/state', './client/src/style', './client/src/api'],
              from: './client/src/views',
              message: 'Views use layers and state, not the other way: shared state lives in client/src/state/.',
            },
            {
              // capability code (server/<capability>/) is used by the plugins, not the other way
              target: CAPABILITY_DIRS,
              from: './server/plugins',
              message: 'Only server/app.ts and the plugins themselves import a plugin; shared route schemas live in server/http/.',
            },
            ...ALGORITHMS.map((name) => ({
              target: ['./server', './scripts', './bench', './geodata'],
              from: `./server/algorithms/${name}`,
              except: ['./index.ts'],
              message: `Import server/algorithms/${name} (its index), not a file inside it.`,
            })),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // An algorithm's own files import each other freely.
  ...ALGORITHMS.map((name) => ({
    files: [`server/algorithms/${name}/**/*.ts`],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: `./server/algorithms/${name}`, from: './client' },
            ...ALGORITHMS.filter((o) => o !== name).map((o) => ({
              target: `./server/algorithms/${name}`,
              from: `./server/algorithms/${o}`,
              except: ['./index.ts'],
              message: `Import server/algorithms/${o} (its index), not a file inside it.`,
            })),
          ],
        },
      ],
    },
  })),
  // Tests and the browser-driving scripts reach into the page through page.evaluate, where the
  // page's globals are untyped.
  { files: ['tests/**/*.ts', 'scripts/bench-hotspots.ts', 'scripts/build-glyphs.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
