/**
 * The committed glyph PBFs (client/public/fonts/) are what MapLibre expects: one fontstack per
 * directory, 256-codepoint ranges, SDF bitmaps of (width+6)x(height+6) bytes, and they cover the
 * Chinese text of our dictionary and names. No browser needed; lives here with the base map tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PbfReader } from 'pbf';
import { encodeGlyphRange, FONTSTACKS, type RawGlyph } from '../../scripts/build-glyphs';
import { zhCN } from '../../client/src/i18n/zh-CN';

const FONTS = resolve(import.meta.dirname, '../../client/public/fonts');

interface Decoded {
  name?: string;
  range?: string;
  glyphs: RawGlyph[];
}

/** Decodes like MapLibre's parse_glyph_pbf (fontstacks=1 > name=1, range=2, glyphs=3). */
function decode(buf: Uint8Array): Decoded[] {
  const stacks: Decoded[] = [];
  new PbfReader(buf).readFields((tag, _r, pbf) => {
    if (tag !== 1) return;
    const stack: Decoded = { glyphs: [] };
    pbf.readMessage((t2, _s, p2) => {
      if (t2 === 1) stack.name = p2.readString();
      else if (t2 === 2) stack.range = p2.readString();
      else if (t2 === 3) {
        const g = { bitmap: new Uint8Array(0) } as RawGlyph;
        p2.readMessage((t3, _g, p3) => {
          if (t3 === 1) g.id = p3.readVarint();
          else if (t3 === 2) g.bitmap = p3.readBytes();
          else if (t3 === 3) g.width = p3.readVarint();
          else if (t3 === 4) g.height = p3.readVarint();
          else if (t3 === 5) g.left = p3.readSVarint();
          else if (t3 === 6) g.top = p3.readSVarint();
          else if (t3 === 7) g.advance = p3.readVarint();
        }, g);
        stack.glyphs.push(g);
      }
    }, stack);
    stacks.push(stack);
  }, stacks);
  return stacks;
}

const codepointsOf = (name: string): Map<number, RawGlyph> => {
  const out = new Map<number, RawGlyph>();
  for (const f of readdirSync(join(FONTS, name))) {
    for (const s of decode(readFileSync(join(FONTS, name, f)))) for (const g of s.glyphs) out.set(g.id, g);
  }
  return out;
};

describe('glyph PBFs', () => {
  it('encodes and decodes glyph ranges losslessly (property)', () => {
    const glyph = fc.record({
      id: fc.integer({ min: 0, max: 255 }),
      width: fc.integer({ min: 0, max: 30 }),
      height: fc.integer({ min: 0, max: 30 }),
      left: fc.integer({ min: -10, max: 10 }),
      top: fc.integer({ min: -40, max: 10 }),
      advance: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(glyph, { maxLength: 8 }), fc.integer({ min: 0, max: 255 }), (gs, r) => {
        const glyphs: RawGlyph[] = gs.map((g) => ({
          ...g,
          id: r * 256 + g.id,
          bitmap: g.width && g.height ? Uint8Array.from({ length: (g.width + 6) * (g.height + 6) }, (_, k) => (k * 7 + g.id) & 255) : new Uint8Array(0),
        }));
        const [s] = decode(encodeGlyphRange('Test Stack', r * 256, glyphs));
        expect(s.name).toBe('Test Stack');
        expect(s.range).toBe(`${r * 256}-${r * 256 + 255}`);
        expect(s.glyphs).toEqual(glyphs);
      }),
      { numRuns: 60 },
    );
  });

  it('has well-formed committed ranges for every fontstack', () => {
    const dirs = readdirSync(FONTS).sort();
    expect(dirs).toEqual(FONTSTACKS.map((f) => f.name).sort());
    for (const name of dirs) {
      const files = readdirSync(join(FONTS, name));
      for (const need of ['0-255.pbf', '256-511.pbf', '12288-12543.pbf', '19968-20223.pbf', '65280-65535.pbf']) expect(files).toContain(need);
      for (const f of files) {
        const [, a, b] = /^(\d+)-(\d+)\.pbf$/.exec(f)!;
        expect(Number(a) % 256).toBe(0);
        expect(Number(b)).toBe(Number(a) + 255);
        const stacks = decode(readFileSync(join(FONTS, name, f)));
        expect(stacks).toHaveLength(1);
        expect(stacks[0].name).toBe(name);
        for (const g of stacks[0].glyphs) {
          expect(g.id).toBeGreaterThanOrEqual(Number(a));
          expect(g.id).toBeLessThanOrEqual(Number(b));
          expect(g.bitmap.length).toBe(g.width && g.height ? (g.width + 6) * (g.height + 6) : 0);
        }
      }
    }
  });

  it('covers the dictionary, Latin and the hanzi of our names; ideographs are full-width SDFs', () => {
    const regular = codepointsOf('Noto Sans CJK SC Regular');
    const bold = codepointsOf('Noto Sans CJK SC Bold');
    const text = Object.values(zhCN).join('') + '迎江区人民路街道新河路宜城路华中路孝肃路长风乡新洲乡ABCxyz0123';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      // Map labels: printable ASCII, CJK punctuation, ideographs (panel text uses system fonts).
      if (!((cp > 32 && cp < 127) || (cp >= 0x3000 && cp < 0x3040) || (cp >= 0x4e00 && cp <= 0x9fff))) continue;
      expect(regular.has(cp), `regular lacks ${ch}`).toBe(true);
    }
    for (const ch of '人民路街道长风乡Subdistrict') expect(bold.has(ch.codePointAt(0)!), `bold lacks ${ch}`).toBe(true);
    const wang = regular.get('网'.codePointAt(0)!)!;
    expect(wang.advance).toBe(24);
    expect(wang.width).toBeGreaterThan(15);
    expect(wang.height).toBeGreaterThan(15);
    // A real SDF: inside > 191 > outside, both present.
    expect(Math.max(...wang.bitmap)).toBeGreaterThan(191);
    expect(Math.min(...wang.bitmap)).toBeLessThan(64);
    // Bold strokes are heavier than regular: more inside pixels.
    const boldWang = bold.get('网'.codePointAt(0)!)!;
    const inside = (g: RawGlyph) => g.bitmap.filter((v) => v > 191).length;
    expect(inside(boldWang)).toBeGreaterThan(inside(wang));
  });
});
