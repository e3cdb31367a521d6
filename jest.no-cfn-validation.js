// Construct-package tests synthesize plain Apps, where aws-cdk-lib's built-in CloudFormation
// template validation can only warn; it restarts its engine (~4 s CPU) in every test file. The
// apps' tests keep it: with the project's feature flags it fails synth, and they must prove the
// templates are clean (measured in bench/RESULTS.md).
process.env.CDK_VALIDATION = 'false';
