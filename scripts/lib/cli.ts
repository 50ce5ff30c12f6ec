/**
 * Tiny shared CLI helper: `--flag value` parsing, GeoJSON/JSON reading with one-line `error:`
 * exits (code 2), progress on stderr. Generic: used by every CLI in scripts/.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';

export class CliError extends Error {}

/** Bad arguments or a refused value (the admin tools): exit 2 with one `error:` line. */
export class UsageError extends Error {}

/** The last handler of a tool's main(): one `error:` line, exit 2 for the caller's fault, else 1. */
export function failWith(err: unknown, badInput: boolean): never {
  return fail(err instanceof Error ? err.message : String(err), badInput ? 2 : 1);
}

/** Print ONE `error: …` line on stderr and exit (2 = bad input, 1 = internal failure). */
export function fail(message: string, code: 1 | 2 = 2): never {
  process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

/**
 * The admin tools' flags (node:util parseArgs, strict, plus `--help`): a bad flag is a UsageError
 * that quotes `usage`; `--help` prints `usage` and gives null (the tool exits 0).
 */
export function adminFlags<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string) {
  const config = { options: { ...options, help: { type: 'boolean', default: false } } } as const;
  let parsed;
  try {
    parsed = parseNodeArgs(config);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; ${usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  return parsed.values as ReturnType<typeof parseNodeArgs<{ options: O }>>['values'];
}

export interface FlagSpec {
  [name: string]: 'string' | 'number' | 'boolean';
}

/** Parse `--name value` / `--name=value` / boolean `--name`; unknown flags and bad numbers fail. */
export function parseArgs<S extends FlagSpec>(
  argv: string[],
  spec: S,
): { [K in keyof S]?: S[K] extends 'number' ? number : S[K] extends 'boolean' ? boolean : string } {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (!a.startsWith('--')) fail(`unexpected argument ${JSON.stringify(a)}`);
    let name = a.slice(2),
      value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = spec[name];
    if (!kind)
      fail(
        `unknown option --${name} (known: ${Object.keys(spec)
          .map((k) => '--' + k)
          .join(', ')})`,
      );
    if (kind === 'boolean') {
      out[name] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) fail(`option --${name} needs a value`);
    }
    if (kind === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) fail(`option --${name}: ${JSON.stringify(value)} is not a number`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as never;
}

/** Read and parse a JSON file; unreadable or invalid JSON exits with `error: <file>: …`. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${file}: ${jsonErrorPlace(text, (e as Error).message)}invalid JSON (${(e as Error).message})`);
  }
}

/** "line L column C: " of a JSON.parse error (from its "at position N", or the end of the text). */
export function jsonErrorPlace(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : -1;
  if (pos < 0 || /\(line \d+ column \d+\)/.test(message)) return '';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line} column ${pos - before.lastIndexOf('\n')}: `;
}

/** Read a GeoJSON FeatureCollection (checks the envelope only). */
export function readFeatureCollection(file: string): { type: 'FeatureCollection'; features: unknown[] } {
  const j = readJson(file) as { type?: unknown; features?: unknown };
  if (!j || typeof j !== 'object' || j.type !== 'FeatureCollection' || !Array.isArray(j.features)) fail(`${file}: not a GeoJSON FeatureCollection`);
  return j as { type: 'FeatureCollection'; features: unknown[] };
}

export function writeJson(file: string, value: unknown, pretty = false): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, pretty ? 2 : undefined) + '\n');
}

/** Progress line on stderr (never stdout). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
