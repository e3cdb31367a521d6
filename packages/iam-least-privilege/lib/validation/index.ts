export * from './policy-builder';
export * from './least-privilege-policy';
export * from './policy-rule';
export * from './policy-validator';
export * from './validation-plugin';
export * from './iam-actions';
