export * from './guardrails-checks';
export * from './acknowledge';
export * from './waiver';
export * from './compliance-report';
export * from './compliance-report-props';
export * from './rules';
