/** The weekly patrol plan from hot spots (pure, no I/O): zones, reach, plan, coverage, random baseline. */
export * from './slots';
export * from './zones';
export * from './reach';
export * from './plan';
export * from './coverage';
export * from './random-routes';
