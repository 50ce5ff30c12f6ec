/**
 * Dictionary part for the plans capability: zh-CN (reference keys) and English. Merged into the one
 * dictionary by ../zh-CN.ts and ../en.ts; use the keys through t() like any other.
 */
export const plansZh = {} as const;

export const plansEn: Record<keyof typeof plansZh, string> = {};
