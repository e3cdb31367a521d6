export * from './permissions-boundary';
export * from './require-permissions-boundary';
export * from './least-privilege-role';
export * from './logs-writer-role';
export * from './s3-read-only-role';
export * from './human-identity-policies';
export * from './cross-account-role';
export * from './service-control-policy';
