/**
 * The server words its error messages in both languages, "中文 (English)" (server/errors.ts and the
 * capability errors): the UI shows the part in its own language. A message without that shape
 * (no Chinese, or no trailing English in parentheses, e.g. an importer error naming a file row) is
 * shown whole. The shape is common/bilingual.ts's, which the server uses to word them.
 */
import { splitBilingual } from '../../../common/bilingual';
import type { Lang } from './index';

export function serverMessage(text: string, lang: Lang): string {
  const halves = splitBilingual(text);
  return halves ? halves[lang === 'en' ? 1 : 0] : text;
}
