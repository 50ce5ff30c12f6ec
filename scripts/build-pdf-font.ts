/**
 * Builds the font the printable-map PDF embeds as real text (client/src/views/plan/print.ts):
 * a TrueType (glyf) subset of Debian's Noto Sans CJK SC Regular, written to
 * client/public/print-fonts/WanggePrintSansSC-Regular.ttf (committed; not run by CI).
 *
 * Coverage: printable ASCII and Latin-1, general punctuation, CJK symbols and punctuation,
 * fullwidth forms, the 3,755 level-1 GB2312 hanzi (the commonest), and every hanzi that occurs in
 * our own sources (dictionary, demo name generators, reference outlines), as build-glyphs.ts, and
 * every other character of the dictionaries (≤, ✓, ▶ …) that the source font has.
 * The outline conversion (CFF -> quadratic glyf via cu2qu) is done by build-pdf-font.py.
 *
 * Needs: apt-get install -y python3-fonttools fonts-noto-cjk
 * Usage: npm run build-pdf-font
 */
import { mkdirSync, writeFileSync, copyFileSync, existsSync, statSync, mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { gb2312Hanzi, projectHanzi } from './build-glyphs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PDF_FONT_FILE = 'WanggePrintSansSC-Regular.ttf';

/** Code points the PDF font keeps. */
export function pdfFontCodepoints(): number[] {
  const out = new Set<number>();
  const range = (a: number, b: number) => {
    for (let cp = a; cp <= b; cp++) out.add(cp);
  };
  range(0x20, 0x7e); // ASCII
  range(0xa0, 0xff); // Latin-1 (°, ×, ·)
  range(0x2010, 0x2027); // dashes, quotes, bullet, ellipsis
  range(0x2030, 0x203b);
  range(0x2190, 0x2193); // arrows
  range(0x2460, 0x2473); // circled numbers
  range(0x3000, 0x303f); // CJK symbols and punctuation
  range(0xff01, 0xff5e); // fullwidth forms
  for (const cp of gb2312Hanzi(0xd7)) out.add(cp);
  for (const cp of projectHanzi()) out.add(cp);
  const i18n = (dir: string) => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, f.name);
      if (f.isDirectory()) i18n(p);
      else if (f.name.endsWith('.ts')) for (const ch of readFileSync(p, 'utf8')) if (ch.codePointAt(0)! > 0x7f) out.add(ch.codePointAt(0)!);
    }
  };
  i18n(join(root, 'client/src/i18n'));
  return [...out].sort((a, b) => a - b);
}

function main() {
  const outDir = join(root, 'client/public/print-fonts');
  const cps = pdfFontCodepoints();
  const tmp = mkdtempSync(join(tmpdir(), 'pdf-font-'));
  try {
    const list = join(tmp, 'codepoints.txt');
    writeFileSync(list, cps.join('\n'));
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, PDF_FONT_FILE);
    execFileSync('/usr/bin/python3', [join(root, 'scripts/build-pdf-font.py'), list, out], { stdio: 'inherit' });
    const licence = '/usr/share/doc/fonts-noto-cjk/copyright';
    if (existsSync(licence)) copyFileSync(licence, join(outDir, 'LICENSE-noto-cjk.txt'));
    console.log(JSON.stringify({ codepoints: cps.length, bytes: statSync(out).size }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
