export * from './errors';
export * from './target';
export * from './policy-merge';
export * from './rate-limiter';
export * from './bucket-state';
export * from './report';
export * from './apply';
export * from './reencrypt';
