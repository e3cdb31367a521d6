export * from './detective-controls';
export * from './guardduty-protection';
