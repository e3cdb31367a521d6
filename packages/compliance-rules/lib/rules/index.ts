export * from './s3-bucket-policy-enforces-encryption';
export * from './secret-rotation-within-class-limit';
export * from './log-group-class-retention-and-key';
export * from './kms-key-policy-admin-only';
export * from './iam-cross-account-trust-external-id';
export * from './iam-role-permissions-boundary';
export * from './iam-human-role-requires-mfa';
export * from './log-group-shipped-to-central-account';
