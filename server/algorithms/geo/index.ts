/** Public API of server/algorithms/geo: what the server, CLI and benches import. */
export { polsbyPopper, polygonArea, polygonPerimeter, ringCentroid, ringSignedArea } from './polygon';
export { type LocalProjection, projectionForPositions } from './projection';
