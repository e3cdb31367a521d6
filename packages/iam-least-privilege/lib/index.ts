export * from './validation';
export * from './identities';
