export * from './endpoint-service';
export * from './private-network-props';
export * from './private-network';
export * from './encrypted-backup-plan';
export * from './require-private-functions';
