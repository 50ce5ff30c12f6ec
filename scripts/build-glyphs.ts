/**
 * Builds MapLibre glyph PBFs (SDF, 24 px, 3 px border, 256-codepoint ranges) from the system's
 * Noto Sans CJK SC (Debian fonts-noto-cjk), fully offline:
 *   - rasterises each glyph with @mapbox/tiny-sdf inside headless Debian Chromium (playwright-core),
 *     where fontconfig resolves the family "Noto Sans CJK SC" to /usr/share/fonts/opentype/noto/;
 *   - encodes the glyphs protobuf (the format of MapLibre's parse_glyph_pbf) with `pbf`;
 *   - writes client/public/fonts/<fontstack>/<start>-<end>.pbf (committed).
 *
 * Coverage: Latin 0-511, general punctuation, CJK symbols & punctuation, fullwidth forms, and in
 * the CJK Unified Ideographs block the 6,763 GB2312 hanzi plus every CJK character that occurs in
 * our own sources (client, demo generator, reference outlines). `--full` encodes every ideograph
 * in 19968-40959 instead (about 4x the size).
 *
 * Usage: npm run build-glyphs [-- --full] [-- --out DIR]
 */
import { readFileSync, mkdirSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { PbfWriter } from 'pbf';
import iconv from 'iconv-lite';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const FONTSTACKS = [
  // Regular: all GB2312 hanzi (levels 1+2). Bold (boundary labels): level 1, the 3,755 commonest.
  { name: 'Noto Sans CJK SC Regular', family: 'Noto Sans CJK SC', weight: '400', gbLastRow: 0xf7 },
  { name: 'Noto Sans CJK SC Bold', family: 'Noto Sans CJK SC', weight: '700', gbLastRow: 0xd7 },
] as const;

/** Ranges encoded in full (every non-control codepoint). */
const FULL_RANGES = [0, 1, 32 /* 8192 */, 48 /* 12288 */, 255 /* 65280 */];
const CJK_FIRST = 19968;
const CJK_LAST = 40959;

export interface RawGlyph {
  id: number;
  /** SDF bitmap, (width + 6) x (height + 6) bytes, or empty for blank glyphs. */
  bitmap: Uint8Array;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}

/** Encodes one glyph range as MapLibre/Mapbox glyphs protobuf (fontstacks > glyphs). */
export function encodeGlyphRange(fontstack: string, start: number, glyphs: RawGlyph[]): Uint8Array {
  const pbf = new PbfWriter();
  pbf.writeMessage(
    1,
    (_: unknown, w: PbfWriter) => {
      w.writeStringField(1, fontstack);
      w.writeStringField(2, `${start}-${start + 255}`);
      for (const g of glyphs) {
        w.writeMessage(
          3,
          (_g: unknown, gw: PbfWriter) => {
            gw.writeVarintField(1, g.id);
            if (g.bitmap.length > 0) gw.writeBytesField(2, g.bitmap);
            gw.writeVarintField(3, g.width);
            gw.writeVarintField(4, g.height);
            gw.writeSVarintField(5, g.left);
            gw.writeSVarintField(6, g.top);
            gw.writeVarintField(7, g.advance);
          },
          null,
        );
      }
    },
    null,
  );
  return pbf.finish();
}

export function gb2312Hanzi(lastRow: number): Set<number> {
  const out = new Set<number>();
  for (let a = 0xb0; a <= lastRow; a++) {
    for (let b = 0xa1; b <= 0xfe; b++) {
      const c = iconv.decode(Buffer.from([a, b]), 'gb2312');
      const cp = c.codePointAt(0) ?? 0;
      if (c.length === 1 && cp >= CJK_FIRST && cp <= CJK_LAST) out.add(cp);
    }
  }
  return out;
}

/** Every CJK ideograph found in our text sources (names, dictionary). */
export function projectHanzi(): Set<number> {
  const out = new Set<number>();
  const dirs = ['client/src', 'geodata', 'server/demo', '/work/shared/geodata/anqing-boundaries'];
  const exts = new Set(['.ts', '.json', '.html', '.txt', '.csv', '.md']);
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const f of readdirSync(p)) if (f !== 'node_modules') walk(join(p, f));
    } else if (exts.has(extname(p)) && st.size < 20_000_000) {
      for (const ch of readFileSync(p, 'utf8')) {
        const cp = ch.codePointAt(0) ?? 0;
        if (cp >= CJK_FIRST && cp <= CJK_LAST) out.add(cp);
      }
    }
  };
  for (const d of dirs) walk(d.startsWith('/') ? d : join(root, d));
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const full = args.includes('--full');
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 ? args[outIdx + 1] : join(root, 'client/public/fonts');

  const ours = projectHanzi();
  const rangesFor = (gbLastRow: number) => {
    const ranges = new Map<number, number[]>();
    for (const r of FULL_RANGES) {
      const cps: number[] = [];
      for (let cp = r * 256; cp < r * 256 + 256; cp++) {
        if (cp < 32 || (cp >= 127 && cp < 160) || cp >= 0xfff0) continue;
        cps.push(cp);
      }
      ranges.set(r, cps);
    }
    const hanzi = full ? null : new Set([...gb2312Hanzi(gbLastRow), ...ours]);
    for (let cp = CJK_FIRST; cp <= CJK_LAST; cp++) {
      if (hanzi && !hanzi.has(cp)) continue;
      const r = cp >> 8;
      if (!ranges.has(r)) ranges.set(r, []);
      ranges.get(r)!.push(cp);
    }
    return ranges;
  };
  let nRanges = 0;

  const tinySdfSrc = readFileSync(require.resolve('@mapbox/tiny-sdf'), 'utf8').replace('export default class TinySDF', 'window.TinySDF = class TinySDF');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const t0 = Date.now();
  let total = 0;
  let count = 0;
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html lang="zh-CN"><body></body></html>');
    await page.addScriptTag({ content: tinySdfSrc });
    for (const stack of FONTSTACKS) {
      // Make sure the family really resolves to the CJK font (not a fallback).
      const ok = await page.evaluate(async (f) => {
        await document.fonts.load(`${f.weight} 24px "${f.family}"`, '网格');
        return document.fonts.check(`${f.weight} 24px "${f.family}"`, '网格');
      }, stack);
      if (!ok) throw new Error(`font "${stack.family}" is not available to Chromium (install fonts-noto-cjk)`);
      const dir = join(outDir, stack.name);
      mkdirSync(dir, { recursive: true });
      const ranges = rangesFor(stack.gbLastRow);
      nRanges += ranges.size;
      for (const [r, cps] of [...ranges].sort((a, b) => a[0] - b[0])) {
        const drawn = await page.evaluate(
          ({ cps, family, weight }) => {
            const w = window as unknown as { __sdf?: any; TinySDF: any };
            const key = `${family}/${weight}`;
            if (!w.__sdf || w.__sdf.key !== key) {
              w.__sdf = {
                key,
                sdf: new w.TinySDF({ fontSize: 24, buffer: 3, radius: 8, cutoff: 0.25, fontFamily: `"${family}"`, fontWeight: weight, lang: 'zh-CN' }),
              };
            }
            const sdf = w.__sdf.sdf;
            return cps.map((cp: number) => {
              const g = sdf.draw(String.fromCodePoint(cp));
              let bin = '';
              const data: Uint8ClampedArray = g.glyphWidth && g.glyphHeight ? g.data : new Uint8ClampedArray(0);
              for (let i = 0; i < data.length; i++) bin += String.fromCharCode(data[i]);
              return { id: cp, b64: btoa(bin), width: g.glyphWidth, height: g.glyphHeight, left: g.glyphLeft, top: g.glyphTop, advance: g.glyphAdvance };
            });
          },
          { cps, family: stack.family, weight: stack.weight },
        );
        const glyphs: RawGlyph[] = drawn.map((d) => ({
          id: d.id,
          bitmap: new Uint8Array(Buffer.from(d.b64, 'base64')),
          width: d.width,
          height: d.height,
          left: d.left,
          // MapLibre's glyph origin sits above the em box; 27 lines TinySDF's baseline-relative top
          // up with server (fontnik) glyphs, as MapLibre's own local rasteriser does (27.5).
          top: d.top - 27,
          advance: Math.round(d.advance),
        }));
        const buf = encodeGlyphRange(stack.name, r * 256, glyphs);
        writeFileSync(join(dir, `${r * 256}-${r * 256 + 255}.pbf`), buf);
        total += buf.length;
        count += glyphs.length;
      }
    }
  } finally {
    await browser.close();
  }
  console.log(
    JSON.stringify({ fontstacks: FONTSTACKS.map((f) => f.name), ranges: nRanges, projectHanzi: ours.size, glyphs: count, bytes: total, ms: Date.now() - t0 }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
