// The operator tools behind scripts/deploy.mjs, diff.mjs, destroy.mjs (through scripts/ops/run.mjs)
// and scripts/synth.mjs. Values of the config (production environments, account and region rules,
// names, the CDK qualifier) come from @cdk-guardrails/config, never copied.
export * from './repository';
export * from './ops-error';
export * from './args';
export * from './config-accounts';
export * from './assembly';
export * from './credentials';
export * from './cdk-commands';
export * from './outputs';
export * from './evidence/catalogue';
export * from './evidence/catalogue-check';
export * from './evidence/status';
export * from './evidence/oscal';
export * from './evidence/summary';
export * from './evidence/cli';
export * from './evidence/schemas';
export * from './dead-letters';
