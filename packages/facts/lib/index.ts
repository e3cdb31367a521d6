export * from './policy-size';
export * from './kms-key-arn';
export * from './log-class';
export * from './iam-events';
export * from './minimum-tls';
export * from './exemption-reason';
export * from './account-settings-handler';
export * from './security-hub-standard';
export { CdkBootstrap } from './cdk-bootstrap';
