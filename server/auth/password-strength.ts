import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/**
 * Password strength with zxcvbn-ts (offline: the dictionaries of common passwords, names, words and
 * keyboard patterns ship in the npm packages). A password must reach score 3 of 4 ("safely
 * unguessable": about 10^8 guesses or more); the user name, display name and the app's own words
 * count as known to an attacker.
 */
export const MIN_SCORE = 3;
/** Characters of a password the estimator looks at. */
export const MAX_CHECKED = 32;
const APP_WORDS = ['wangge', 'wang', 'ge', 'grid', 'yingjiang', 'anqing', 'admin', 'planner', 'coordinator', 'leader', 'member', 'demo'];

let factory: ZxcvbnFactory | undefined;
const estimator = () =>
  (factory ??= new ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary, userInputs: APP_WORDS },
  }));

/** zxcvbn score 0-4 of a password, knowing the user's own words. */
export function passwordScore(password: string, userWords: Array<string | null | undefined> = []): number {
  const inputs = userWords
    .filter((w): w is string => typeof w === 'string' && w.length > 0)
    .flatMap((w) => [w, ...w.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length > 1)]);
  // zxcvbn's cost grows quickly with length (~0.1 s at 16 characters, ~1 s at 64 on one core, on the
  // event loop): the first 32 characters decide; a password that is strong there is strong
  return estimator().check(password.slice(0, MAX_CHECKED), inputs).score;
}

/** null when strong enough, else the message for the user (zh-CN, with English). */
export function weakPasswordProblem(password: string, userWords: Array<string | null | undefined> = []): string | null {
  if (passwordScore(password, userWords) >= MIN_SCORE) return null;
  return '密码太容易被猜到（常见密码、单词、键盘顺序、日期或与用户名相近），请使用更长、更不规则的密码，例如几个不相关的词加数字 (password too easy to guess)';
}
