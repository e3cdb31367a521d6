/**
 * The deployed versions CheckNoNewAccess compares with: key, queue, topic and secret policies are
 * read from their services (mocked SDK clients), with the physical ids of the deployed stack.
 */
import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { DeployedPolicies, PolicyTarget } from '../../bin-src/validate-policies/deployed';

const REGION = 'eu-west-1';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/111122223333/jobs`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:111122223333:alerts`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:111122223333:secret:db-AbCdEf`;
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'x:Y', Resource: '*' }],
});

const kms = mockClient(KMSClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
afterAll(() => [kms, sqs, sns, secrets].forEach((m) => m.restore()));
beforeEach(() => [kms, sqs, sns, secrets].forEach((m) => m.reset()));

const physicalIds = { Key: KEY_ID, Queue: QUEUE_URL, QueuePolicy: 'qp-1', Topic: TOPIC_ARN, TopicPolicy: 'tp-1', Secret: SECRET_ARN, SecretPolicy: SECRET_ARN };
const target = (logicalId: string, resourceType: string, location: string, properties: Record<string, unknown>): PolicyTarget => ({
  logicalId,
  resourceType,
  location,
  resource: { Type: resourceType, Properties: properties },
  physicalIds,
  region: REGION,
});
const KEY = target('Key', 'AWS::KMS::Key', 'Properties.KeyPolicy', { KeyPolicy: {} });
const QUEUE = target('QueuePolicy', 'AWS::SQS::QueuePolicy', 'Properties.PolicyDocument', { Queues: [{ Ref: 'Queue' }], PolicyDocument: {} });
const TOPIC = target('TopicPolicy', 'AWS::SNS::TopicPolicy', 'Properties.PolicyDocument', { Topics: [{ Ref: 'Topic' }], PolicyDocument: {} });
const SECRET = target('SecretPolicy', 'AWS::SecretsManager::ResourcePolicy', 'Properties.ResourcePolicy', { SecretId: { Ref: 'Secret' }, ResourcePolicy: {} });

const deployed = () => new DeployedPolicies({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }, REGION);

test('reads the deployed key, queue, topic and secret policies by their physical ids', async () => {
  kms.on(GetKeyPolicyCommand, { KeyId: KEY_ID, PolicyName: 'default' }).resolves({ Policy: DOC });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL, AttributeNames: ['Policy'] }).resolves({ Attributes: { Policy: DOC } });
  sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN }).resolves({ Attributes: { Policy: DOC } });
  secrets.on(GetResourcePolicyCommand, { SecretId: SECRET_ARN }).resolves({ ResourcePolicy: DOC });

  const reader = deployed();
  for (const t of [KEY, QUEUE, TOPIC, SECRET]) {
    expect([t.resourceType, await reader.policy(t)]).toEqual([t.resourceType, { document: DOC }]);
  }
  expect(kms.commandCalls(GetKeyPolicyCommand)).toHaveLength(1);
  expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(1);
});

test('a policy not deployed yet is new (nothing to compare); a read that fails is not compared, with the reason', async () => {
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
  secrets.on(GetResourcePolicyCommand).resolves({});
  kms.on(GetKeyPolicyCommand).rejects(Object.assign(new Error('User is not authorized to perform kms:GetKeyPolicy'), { name: 'AccessDeniedException' }));
  sns.on(GetTopicAttributesCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));

  const reader = deployed();
  expect(await reader.policy(QUEUE)).toEqual({ missing: `queue ${QUEUE_URL} has no policy`, isNew: true });
  expect(await reader.policy(SECRET)).toEqual({ missing: `secret ${SECRET_ARN} has no resource policy`, isNew: true });
  expect(await reader.policy(KEY)).toEqual({
    missing: 'could not read the deployed version (AccessDeniedException: User is not authorized to perform kms:GetKeyPolicy)',
    isNew: false,
  });
  expect(await reader.policy(TOPIC)).toEqual({ missing: 'no deployed version (NotFoundException)', isNew: true });
  // A resource the deployed stack does not have yet.
  expect(await reader.policy({ ...KEY, physicalIds: {} })).toEqual({ missing: 'Key is not in the deployed stack', isNew: true });
});

test('Logs policies are still not read, and say so', async () => {
  const logs = target('Destination', 'AWS::Logs::Destination', 'Properties.DestinationPolicy', {});
  expect(await deployed().policy(logs)).toEqual({ missing: 'validate-policies does not read deployed AWS::Logs::Destination policies', isNew: false });
});
