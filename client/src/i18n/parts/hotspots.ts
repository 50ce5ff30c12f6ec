/**
 * Dictionary part for the hotspots capability: zh-CN (reference keys) and English. Merged into the one
 * dictionary by ../zh-CN.ts and ../en.ts; use the keys through t() like any other.
 */
export const hotspotsZh = {} as const;

export const hotspotsEn: Record<keyof typeof hotspotsZh, string> = {};
