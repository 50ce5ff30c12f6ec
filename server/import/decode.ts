import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'gbk';

/**
 * Decodes file bytes as UTF-8 when they are valid UTF-8 (BOM stripped), otherwise as GBK
 * (GB18030, a superset, so every GBK file decodes). Chinese CSVs from Excel are often GBK.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gbk' };
  }
}

/** U+FFFD: what the GBK decoder puts where a byte sequence is not valid GBK (GB18030). */
export const REPLACEMENT = '\uFFFD';

/**
 * The 1-based line numbers of a decoded text that hold U+FFFD (a byte sequence that was not valid
 * GBK), the first `limit` of them, and how many such lines in all. Iterative, one pass.
 */
export function undecodableLines(text: string, limit = 20): { lines: number[]; count: number } {
  const lines: number[] = [];
  let count = 0;
  let line = 1;
  let counted = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 0xfffd && counted !== line) {
      counted = line;
      count++;
      if (lines.length < limit) lines.push(line);
    }
  }
  return { lines, count };
}
