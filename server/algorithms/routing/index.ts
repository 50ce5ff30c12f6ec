/** Routing core: healing, network, snapping, shortest paths, matrices, service areas. */
export * from './geo';
export * from './heap';
export * from './network';
export * from './heal';
export * from './snap';
export * from './dijkstra';
export * from './path';
export * from './isochrone';
export * from './validate';
