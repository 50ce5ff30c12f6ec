export * from './tsp';
export * from './held-karp';
export * from './gpx';
export * from './route';
