/** A vector-tile source: Mapbox Vector Tile (MVT 2.1) bytes, empty when the tile has no features. */
export interface TileSource {
  readonly kind: 'postgis' | 'geojson-vt';
  tile(z: number, x: number, y: number): Promise<Uint8Array>;
  /** Drops any cached or indexed data so the next tile reflects the database. */
  invalidate(): void;
}
