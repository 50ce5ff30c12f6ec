/**
 * `npm run fuzz -- [--requests N] [--seed S] [--backend pglite|postgres] [--md5]`: the HTTP fuzzer
 * (tests/helpers/fuzz-engine.ts, also run by tests/server/fuzz.test.ts) against a scratch database;
 * prints its summary as JSON, exit 1 when a request failed.
 */
import { runFuzz, setupFuzzApp } from '../tests/helpers/fuzz-engine';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const requests = Number(arg('requests') ?? 10_000);
  const seed = Number(arg('seed') ?? Date.now() % 1e9);
  const backend = (arg('backend') ?? 'pglite') as 'pglite' | 'postgres';
  const f = await setupFuzzApp(backend);
  let last = Date.now();
  const summary = await runFuzz(f, backend, {
    requests,
    seed,
    md5: process.argv.includes('--md5'),
    onProgress: (done, failures) => {
      if (Date.now() - last > 10_000) {
        last = Date.now();
        process.stderr.write(`fuzz: ${done}/${requests} requests, ${failures} failures\n`);
      }
    },
  });
  await f.close();
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  process.exit(summary.failures.length ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
