import { App, Aspects, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ConsoleMfaPolicy,
  CrossAccountRole,
  LogsWriterRole,
  PermissionsBoundary,
  PolicyKind,
  PolicyValidator,
  S3ReadOnlyRole,
  SensitiveActionsMfaPolicy,
  ServiceControlPolicy,
  SourceIpRestrictionPolicy,
} from '../../lib';
import { newStack, OTHER_ACCOUNT } from './helpers';

jest.setTimeout(60_000);

/**
 * Everything part B generates passes the package's own policy validator (part A) with no
 * suppression: no Action "*" or NotAction in an Allow, no wildcard action on Resource "*",
 * only known services, actions and condition keys, and within the size budgets.
 */
test('every identity construct synthesizes cleanly under PolicyValidator', () => {
  // GIVEN
  const app = new App();
  const stack = newStack(app);
  const boundary = new PermissionsBoundary(stack, 'Boundary', {
    resourceAccountIds: [OTHER_ACCOUNT],
    resourceAccountServices: ['logs', 'kms'],
    protectedRoleNamePatterns: ['central-logging-*'],
    requiredTagKeys: ['Environment', 'Owner'],
    protectedPrincipalArns: ['arn:aws:iam::111111111111:role/break-glass', 'arn:aws:iam::111111111111:role/log-admin'],
    guardrailAdministratorArns: ['arn:aws:iam::111111111111:role/log-admin'],
  });
  // Imported key and bucket: their own policies belong to the kms-hierarchy and s3-encryption packages.
  const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Data', { bucketName: 'data-bucket', encryptionKey: key });
  const group = new logs.LogGroup(stack, 'Group');
  new LogsWriterRole(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), logGroups: [group], permissionsBoundary: boundary });
  new LogsWriterRole(stack, 'Creator', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    allowCreateLogGroup: true,
    logGroupNamePrefix: '/app/',
    permissionsBoundary: boundary,
  });
  new S3ReadOnlyRole(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), buckets: [bucket], permissionsBoundary: boundary });
  new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: 'external-id-1', requireMfa: true, permissionsBoundary: boundary });
  new ConsoleMfaPolicy(stack, 'ConsoleMfa');
  new SensitiveActionsMfaPolicy(stack, 'Sensitive', { maxMfaAge: Duration.minutes(15) });
  new SourceIpRestrictionPolicy(stack, 'Ip', { allowedCidrs: ['203.0.113.0/24'] });
  // WHEN
  Aspects.of(app).add(new PolicyValidator());
  // THEN
  expect(() => app.synth()).not.toThrow();
});

const EXEC_ROLE = 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1';

test('every SCP document passes the validator as a SERVICE_CONTROL_POLICY', () => {
  const scps = [
    ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1', 'eu-central-1', 'us-east-1'] }),
    ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] }),
    ServiceControlPolicy.protectGuardrailPrincipals({
      cdkBootstrapQualifier: 'hnb659fds',
      protectedPrincipalArns: ['arn:aws:iam::111111111111:role/break-glass'],
      managerPrincipalArns: [EXEC_ROLE],
      pipelinePrincipalArns: ['arn:aws:iam::333333333333:role/pipeline'],
      cdkDeployRoleArns: ['arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1'],
    }),
    ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE, 'arn:aws:iam::111111111111:role/log-admin'] }),
    ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true }),
    ServiceControlPolicy.denyUnencryptedResourceCreation(),
    ServiceControlPolicy.denyLongTermCredentials(),
  ];
  for (const scp of scps) {
    expect({ name: scp.name, findings: PolicyValidator.validateDocument(scp.toJson(), PolicyKind.SERVICE_CONTROL_POLICY) }).toEqual({
      name: scp.name,
      findings: [],
    });
  }
});
