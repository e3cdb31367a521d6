export * from './encryption-mode';
export * from './bucket-encryption-policy';
export * from './encrypted-bucket-props';
export * from './encrypted-bucket';
export * from './bucket-replication';
export * from './bucket-encryption-guard';
export * from './protect-bucket-configuration';
export * from './protect-log-objects';
