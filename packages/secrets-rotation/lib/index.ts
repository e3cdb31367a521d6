export * from './rotation-limits';
export * from './common';
export * from './database-engine';
export * from './rotating-database-secret';
export * from './rotating-token-props';
export * from './rotating-token';
export * from './rotating-api-key';
export * from './rotating-service-token';
