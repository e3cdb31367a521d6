export * from './key-source';
export * from './key-hierarchy';
