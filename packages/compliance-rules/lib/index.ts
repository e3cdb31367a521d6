export * from './guardrails-checks';
export * from './acknowledge';
export * from './compliance-report';
export * from './rules';
export * from './waiver';
