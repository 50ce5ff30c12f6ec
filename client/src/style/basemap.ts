/**
 * The base style, built in the client from our own server only: background land, water from our
 * vector tiles, and empty "slot" layers that fix the draw order for the layer modules
 * (each module inserts its layers before a slot, so the order does not depend on load order).
 */
import type { StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import { theme, FONT_REGULAR } from './theme';
import type { Lang } from '../i18n';

export const BASE_SOURCE = 'base';

/** Draw-order slots, bottom to top. A module adds its layers `beforeId: slotId(slot)`. */
export const SLOTS = ['landuse', 'buildings', 'roads', 'admin', 'overlay', 'labels'] as const;
export type Slot = (typeof SLOTS)[number];
export const slotId = (slot: Slot): string => `slot-${slot}`;

/** Label text in the current language: `name_en` in English when present, else `name`. */
export function nameExpr(lang: Lang): ExpressionSpecification {
  return lang === 'en'
    ? ['coalesce', ['get', 'name_en'], ['get', 'name'], '']
    : ['coalesce', ['get', 'name'], ''];
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
      {
        id: 'water-fill',
        type: 'fill',
        source: BASE_SOURCE,
        'source-layer': 'water',
        paint: { 'fill-color': theme.water, 'fill-antialias': true },
      },
      {
        id: 'water-outline',
        type: 'line',
        source: BASE_SOURCE,
        'source-layer': 'water',
        minzoom: 12,
        paint: { 'line-color': theme.waterLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.5, 17, 1.5] },
      },
      ...SLOTS.map((s) => ({
        id: slotId(s),
        type: 'background' as const,
        layout: { visibility: 'none' as const },
        paint: { 'background-opacity': 0 },
      })),
      {
        id: 'water-label',
        type: 'symbol',
        source: BASE_SOURCE,
        'source-layer': 'water',
        minzoom: 11,
        filter: ['has', 'name'],
        layout: {
          'text-field': nameExpr(o.lang),
          'text-font': FONT_REGULAR,
          'text-size': ['interpolate', ['linear'], ['zoom'], 11, 12, 16, 16],
          'text-letter-spacing': 0.3,
          'symbol-placement': 'point',
          'text-max-width': 8,
        },
        paint: { 'text-color': theme.waterLabel, 'text-halo-color': 'rgba(255,255,255,0.7)', 'text-halo-width': 1.2 },
      },
    ],
  };
}
