export * from './schema';
export * from './cross-field';
export * from './principals';
export * from './names';
export * from './loader';
export * from './json-schema';
