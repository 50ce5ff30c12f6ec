/**
 * The server words its error messages in both languages, "中文 (English)" (server/errors.ts and the
 * capability errors): the UI shows the part in its own language. A message without that shape
 * (no Chinese, or no trailing English in parentheses, e.g. an importer error naming a file row) is
 * shown whole.
 */
import type { Lang } from './index';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function serverMessage(text: string, lang: Lang): string {
  const m = /^([\s\S]*?)\s*\(([^()]+)\)\s*$/.exec(text);
  if (!m) return text;
  const [, zh, en] = m;
  if (!CJK.test(zh) || CJK.test(en) || !/[A-Za-z]{3}/.test(en)) return text; // a word, not a code like (A1)
  return lang === 'en' ? en.trim() : zh.trim();
}
