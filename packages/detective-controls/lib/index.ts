export * from './detective-controls';
