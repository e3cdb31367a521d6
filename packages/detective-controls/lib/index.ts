export * from './detective-controls';
export * from './guardduty-protection';
export * from './security-hub';
