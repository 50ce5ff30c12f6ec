/**
 * Writes tests/helpers/file-durations.json (seconds per test file, read by tests/helpers/sequencer.ts)
 * from a vitest JSON report:
 *   npx vitest run --reporter=json --outputFile.json=/tmp/report.json
 *   npx tsx tests/helpers/file-durations.ts /tmp/report.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const report = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { testResults: Array<{ name: string; startTime: number; endTime: number }> };
const out: Record<string, number> = {};
for (const r of [...report.testResults].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime))) {
  out[relative(ROOT, r.name).split('\\').join('/')] = Math.max(1, Math.round((r.endTime - r.startTime) / 1000));
}
writeFileSync(join(ROOT, 'tests/helpers/file-durations.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${Object.keys(out).length} files`);
