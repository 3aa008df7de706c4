/** The training run: its schemas, events, plan, evaluation and live state (see docs/architecture.md). */
export * from './schema';
export * from './events';
export * from './plan';
export * from './evaluate';
export * from './outcome';
export * from './live';
