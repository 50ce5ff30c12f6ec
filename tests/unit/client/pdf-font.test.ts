/**
 * The font the printed PDF writes its text in (client/public/print-fonts/, built by
 * scripts/build-pdf-font.ts): a TrueType font jsPDF can embed, at most 2 MB, that maps every
 * character of both dictionaries and of the demo's name generators (sub-districts, communities,
 * streets, people) to a glyph, so a printed plan's title, legend and table are never blank boxes.
 * Fails when a dictionary string gains a character and the font was not rebuilt.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsPDF } from 'jspdf';
import { describe, expect, it } from 'vitest';
import { zhCN } from '../../../client/src/i18n/zh-CN';
import { en } from '../../../client/src/i18n/en';

const ROOT = resolve(import.meta.dirname, '../../..');
const FONT = resolve(ROOT, 'client/public/print-fonts/WanggePrintSansSC-Regular.ttf');

describe('the PDF text font', () => {
  it('is TrueType, at most 2 MB, and covers the dictionaries and the demo names', () => {
    const bytes = readFileSync(FONT);
    expect(bytes.readUInt32BE(0), 'sfnt version 1.0 (glyf outlines)').toBe(0x00010000);
    expect(statSync(FONT).size).toBeLessThanOrEqual(2 * 1024 * 1024);
    const pdf = new jsPDF();
    pdf.addFileToVFS('f.ttf', bytes.toString('latin1'));
    pdf.addFont('f.ttf', 'f', 'normal', 'Identity-H');
    pdf.setFont('f', 'normal');
    const ttf = (pdf.getFont() as unknown as { metadata: { characterToGlyph(c: number): number } }).metadata;
    const sources = [
      ...Object.values(zhCN),
      ...Object.values(en),
      ...['names.ts', 'subdistricts.ts', 'streets.ts'].map((f) => readFileSync(resolve(ROOT, 'geodata/generator', f), 'utf8')),
    ];
    const chars = new Set<string>();
    for (const s of sources) for (const ch of s) if (ch > ' ') chars.add(ch);
    expect(chars.size).toBeGreaterThan(500);
    // not in Noto Sans CJK SC (a pause button's label, never printed; print.ts would draw such a run into the image)
    const NOT_IN_SOURCE_FONT = new Set(['❚']);
    const missing = [...chars].filter((ch) => !NOT_IN_SOURCE_FONT.has(ch) && !ttf.characterToGlyph(ch.charCodeAt(0)));
    expect(missing, 'run npm run build-pdf-font').toEqual([]);
    // and it is a subset: a rare character outside GB2312 level 1 and our sources is absent
    expect(ttf.characterToGlyph('龘'.charCodeAt(0))).toBe(0);
  });
});
