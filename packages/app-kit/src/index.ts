export * from './app-support';
export * from './compliance-gate';
export * from './detective-acknowledgements';
export * from './private-functions';
export * from './guardrail-stack';
export * from './control-tower';
export * from './control-tower-acknowledgements';
export * from './bucket-baseline';
