/**
 * Dictionary part for the cases capability: zh-CN (reference keys) and English. Merged into the one
 * dictionary by ../zh-CN.ts and ../en.ts; use the keys through t() like any other.
 */
export const casesZh = {} as const;

export const casesEn: Record<keyof typeof casesZh, string> = {};
