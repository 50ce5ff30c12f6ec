/**
 * The base style, built in the client from our own server only: background land, our vector tile
 * source, the glyphs of our server, and empty "slot" layers that fix the draw order for the layer modules
 * (each module inserts its layers before a slot, so the order does not depend on load order).
 */
import type { StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import { theme } from './theme';
import type { Lang } from '../i18n';

export const BASE_SOURCE = 'base';

/** Draw-order slots, bottom to top. A module adds its layers `beforeId: slotId(slot)`. */
export const SLOTS = ['landuse', 'buildings', 'roads', 'admin', 'overlay', 'labels'] as const;
export type Slot = (typeof SLOTS)[number];
export const slotId = (slot: Slot): string => `slot-${slot}`;

/** Label text in the current language: `name_en` in English when present, else `name`. */
export function nameExpr(lang: Lang): ExpressionSpecification {
  return lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name'], ''] : ['coalesce', ['get', 'name'], ''];
}

export interface BaseStyleOptions {
  tilesUrl: string;
  glyphsUrl: string;
  bounds?: [number, number, number, number];
  lang: Lang;
}

export function buildBaseStyle(o: BaseStyleOptions): StyleSpecification {
  return {
    version: 8,
    name: 'wangge-light',
    glyphs: o.glyphsUrl,
    sources: {
      [BASE_SOURCE]: {
        type: 'vector',
        tiles: [o.tilesUrl],
        minzoom: 0,
        maxzoom: 16,
        ...(o.bounds ? { bounds: o.bounds } : {}),
        attribution: '',
      },
    },
    layers: [
      { id: 'land', type: 'background', paint: { 'background-color': theme.land } },
      ...SLOTS.map((s) => ({
        id: slotId(s),
        type: 'background' as const,
        layout: { visibility: 'none' as const },
        paint: { 'background-opacity': 0 },
      })),
    ],
  };
}
