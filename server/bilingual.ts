/**
 * The two halves of a server message worded "中文 (English)" (the shape client/src/i18n/server-message.ts
 * reads): a message that wraps another one puts each half of the inner message in its own half, so the
 * result keeps one trailing English group. A message without that shape is its own both halves.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function split(text: string): [string, string] | null {
  const m = /^([\s\S]*?)\s*\(([^()]+)\)\s*$/.exec(text);
  if (!m || !CJK.test(m[1]) || CJK.test(m[2]) || !/[A-Za-z]{3}/.test(m[2])) return null;
  return [m[1].trim(), m[2].trim()];
}

/** The Chinese half of a bilingual message, or the whole message. */
export const zhOf = (text: string): string => split(text)?.[0] ?? text;

/** The English half of a bilingual message, or the whole message. */
export const enOf = (text: string): string => split(text)?.[1] ?? text;
