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
