export * from './detective-controls-props';
export * from './detective-controls';
export * from './guardduty-protection';
export * from './unused-access-analyzer';
export * from './security-hub';
