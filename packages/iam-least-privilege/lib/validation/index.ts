export * from './policy-builder';
