/**
 * The two halves of a message worded "中文 (English)", the shape of the server's messages: the last
 * parenthesis holds English (a word of 3+ letters, no Chinese, no nested parentheses) after Chinese.
 * The server uses it to wrap one message in another (each half of the inner message in its own half,
 * so the result keeps one trailing English group); the client to show the half in the UI's language
 * (client/src/i18n/server-message.ts). A message without that shape is its own both halves.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** [Chinese, English] of a bilingual message, or null for one of another shape. */
export function splitBilingual(text: string): [string, string] | null {
  const m = /^([\s\S]*?)\s*\(([^()]+)\)\s*$/.exec(text);
  if (!m || !CJK.test(m[1]) || CJK.test(m[2]) || !/[A-Za-z]{3}/.test(m[2])) return null;
  return [m[1].trim(), m[2].trim()];
}

/** The Chinese half of a bilingual message, or the whole message. */
export const zhOf = (text: string): string => splitBilingual(text)?.[0] ?? text;

/** The English half of a bilingual message, or the whole message. */
export const enOf = (text: string): string => splitBilingual(text)?.[1] ?? text;
