/**
 * Dictionary part for the groups capability: zh-CN (reference keys) and English. Merged into the one
 * dictionary by ../zh-CN.ts and ../en.ts; use the keys through t() like any other.
 */
export const groupsZh = {} as const;

export const groupsEn: Record<keyof typeof groupsZh, string> = {};
