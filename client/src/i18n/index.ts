import { zhCN, type MessageKey } from './zh-CN';
import { en } from './en';

export type { MessageKey };
export type Lang = 'zh-CN' | 'en';

const STORAGE_KEY = 'wangge.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const listeners = new Set<(lang: Lang) => void>();

function initialLang(): Lang {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    /* storage disabled: default */
  }
  return 'zh-CN';
}

let current: Lang = initialLang();

/** The current language (zh-CN unless the user switched; persisted in localStorage). */
export function getLang(): Lang {
  return current;
}

/** Translates a dictionary key; `vars` fill `{name}` placeholders. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  let s = dictionaries[current][key] ?? zhCN[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Translates a key that comes from data (e.g. `prop.households`); undefined when unknown. */
export function tMaybe(key: string): string | undefined {
  return key in zhCN ? t(key as MessageKey) : undefined;
}

/** Switches language, persists it and notifies subscribers (panels re-render, map labels switch). */
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of listeners) l(lang);
}

/** Subscribes to language changes; returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Exposed for tests: both dictionaries. */
export const DICTIONARIES = dictionaries;

/** Joins a list the way the current language does: "a、b、c" in Chinese, "a, b, c" in English. */
export function joinList(items: ReadonlyArray<string | number>): string {
  return items.join(current === 'en' ? ', ' : '、');
}

/** A parenthesised note after a word: "名称（3）" in Chinese, "name (3)" in English (the leading space included). */
export function paren(text: string | number): string {
  return current === 'en' ? ` (${text})` : `（${text}）`;
}

/** "label：value" in Chinese, "label: value" in English. */
export function labelled(label: string, value: string | number): string {
  return current === 'en' ? `${label}: ${value}` : `${label}：${value}`;
}

/** Joins clauses: "a；b" in Chinese, "a; b" in English. */
export function joinClauses(items: ReadonlyArray<string>): string {
  return items.join(current === 'en' ? '; ' : '；');
}
