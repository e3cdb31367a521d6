export * from './schema';
export * from './cross-field';
export * from './principals';
export * from './loader';
export * from './json-schema';
export * from './app-support';
export * from './compliance-gate';
export * from './private-functions';
