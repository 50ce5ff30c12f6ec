import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, and the shared reference geodata next to it (../shared in CI). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const GEODATA = resolve(SHARED, 'geodata');
export const HAS_GEODATA = existsSync(GEODATA);
export const FIXTURES = resolve(REPO_ROOT, 'tests', 'fixtures', 'import');
if (!HAS_GEODATA) console.warn(`import tests: ${GEODATA} is absent; tests on the real samples are skipped`);
