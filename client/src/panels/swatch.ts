/** Renders a legend swatch (small inline SVG) for a layer legend item. */
import type { LegendSwatch } from '../layers/types';

export function swatchSvg(s: LegendSwatch): string {
  const W = 28;
  const H = 14;
  switch (s.type) {
    case 'fill':
      return `<svg width="${W}" height="${H}"><rect x="2" y="1.5" width="${W - 4}" height="${H - 3}" rx="2" fill="${s.color}" stroke="${s.outline ?? 'none'}"/></svg>`;
    case 'line': {
      const w = s.width ?? 2;
      const casing = s.casing ? `<line x1="2" y1="7" x2="${W - 2}" y2="7" stroke="${s.casing}" stroke-width="${w + 2}" stroke-linecap="round"/>` : '';
      return `<svg width="${W}" height="${H}">${casing}<line x1="2" y1="7" x2="${W - 2}" y2="7" stroke="${s.color}" stroke-width="${w}" ${s.dash ? 'stroke-dasharray="4 3"' : 'stroke-linecap="round"'}/></svg>`;
    }
    case 'point':
      return `<svg width="${W}" height="${H}"><circle cx="${W / 2}" cy="7" r="4.5" fill="${s.color}" stroke="${s.outline ?? 'none'}" stroke-width="1.2"/></svg>`;
    case 'ramp': {
      const stops = s.colors.map((c, i) => `<stop offset="${(i / Math.max(1, s.colors.length - 1)) * 100}%" stop-color="${c}"/>`).join('');
      return `<svg width="${W * 2}" height="${H}"><defs><linearGradient id="rg">${stops}</linearGradient></defs><rect x="1" y="2" width="${W * 2 - 2}" height="${H - 4}" rx="2" fill="url(#rg)"/></svg>`;
    }
  }
}
