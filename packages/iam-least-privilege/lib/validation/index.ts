export * from './policy-builder';
export * from './policy-rule';
export * from './policy-validator';
export * from './validation-plugin';
export * from './iam-actions';
