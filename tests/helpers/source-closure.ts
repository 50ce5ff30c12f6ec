/**
 * The source files a module depends on inside the repository: its relative imports (static and
 * dynamic, `export … from`), and worker entries (`new URL('./x.ts', import.meta.url)`), followed
 * transitively. Used to key cached test databases on exactly the code that filled them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bnew\s+URL\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '/index.ts'];

function resolveSpecifier(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const ext of EXTENSIONS) {
    const p = base + ext;
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  // `.js` written for a `.ts` source
  const ts = base.replace(/\.js$/, '.ts');
  return existsSync(ts) ? ts : null;
}

/** Absolute paths of the entries and every repository file they reach, sorted. */
export function sourceClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(m?ts|m?js)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const dep = resolveSpecifier(file, m[1]);
      if (dep && !dep.includes('/node_modules/') && !seen.has(dep)) stack.push(dep);
    }
  }
  return [...seen].sort();
}
