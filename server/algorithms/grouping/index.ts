export * from './oracle';
export * from './sizes';
export * from './order';
export * from './group';
export * from './network-oracle';
export * from './on-network';
