/** The light GIS palette shared by the base style, the layer modules and the legend. */
export const theme = {
  land: '#f1efe9',
  block: '#f6f5f1',
  water: '#a9cbe9',
  waterLine: '#86b1d8',
  waterLabel: '#3f6f9e',
  compound: '#ebe6dc',
  compoundLine: '#d3cbbd',
  building: '#dcd8d1',
  buildingLine: '#c3beb5',
  buildingTop: '#d3cec6',
  streetCasing: '#c7c2b8',
  street: '#ffffff',
  arterial: '#fbe8b6',
  arterialCasing: '#d9bf80',
  rail: '#9b9893',
  streetLabel: '#4f4b45',
  subdistrictLine: '#5b4d8a',
  subdistrictHalo: '#ffffff',
  subdistrictLabel: '#3d3266',
  communityLine: '#8f84b8',
  communityLabel: '#675e8c',
  shop: '#e07b39',
  shopLine: '#ffffff',
  halo: 'rgba(255,255,255,0.92)',
  /** Incident heat colour ramp, low → high (RGB). */
  heat: [
    [255, 255, 204],
    [255, 237, 160],
    [254, 178, 76],
    [253, 141, 60],
    [240, 59, 32],
    [189, 0, 38],
  ] as [number, number, number][],
} as const;

export const FONT_REGULAR = ['Noto Sans CJK SC Regular'];
export const FONT_BOLD = ['Noto Sans CJK SC Bold'];
