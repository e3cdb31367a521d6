export * from './guardrails-checks';
export * from './rules';
