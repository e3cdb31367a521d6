export * from './key-hierarchy';
