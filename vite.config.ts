import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test-file order for `npm test`: longest first, so the two workers of a 2-core CI machine finish
 * together instead of one of them starting a 3-minute file when the rest is done. Vitest's own order
 * needs its results cache, which a clean CI checkout lacks (it then runs the largest files first, and
 * size says little here: kill9.test.ts is short and takes minutes). The expected seconds come from
 * tests/helpers/file-durations.json (refresh: tests/helpers/file-durations.ts); a file not in it gets
 * its directory's typical time. Ties keep path order, so the order is deterministic.
 */
const TYPICAL_SECONDS: Array<[RegExp, number]> = [
  [/^tests\/faults\//, 90],
  [/^tests\/browser\//, 80],
  [/^tests\/cli\//, 30],
  [/^tests\/(server|db)\//, 25],
  [/./, 3],
];
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    let measured: Record<string, number> = {};
    try {
      measured = JSON.parse(readFileSync(`${root}/tests/helpers/file-durations.json`, 'utf8')) as Record<string, number>;
    } catch {
      // no table: directory defaults only
    }
    const key = (f: TestSpecification) => relative(root, f.moduleId).split('\\').join('/');
    const secs = (f: TestSpecification) => measured[key(f)] ?? TYPICAL_SECONDS.find(([re]) => re.test(key(f)))![1];
    return [...files].sort((a, b) => secs(b) - secs(a) || (key(a) < key(b) ? -1 : 1));
  }
}

// One config for the client build (Vite) and the test runner (Vitest).
export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:8080', '/tiles': 'http://localhost:8080', '/styles': 'http://localhost:8080', '/fonts': 'http://localhost:8080' },
  },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    projects: [
      // Pure unit tests (no I/O, no servers, no module-level state between files) share their worker
      // processes: a fresh process and module graph per file cost more CPU than the tests themselves.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/!(unit)/**'], isolate: false } },
      // Everything that opens databases, servers, child processes or Chromium keeps one process per file.
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/unit/**'] } },
    ],
  },
});
