export * from './key-source';
export * from './key-hierarchy-props';
export * from './key-hierarchy';
export * from './key-policy-statements';
export * from './ebs-encryption-by-default';
