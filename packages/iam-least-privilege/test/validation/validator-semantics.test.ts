/**
 * Semantic tests for the validator's decisions: every policy the validator rejects
 * really grants (or fails to deny) something under IAM's evaluation logic, and the
 * rewrite it asks for does not.
 */
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LeastPrivilegePolicy, PolicyKind, PolicyRule, PolicyValidator } from '../../lib/validation';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

function rules(doc: PolicyJson, kind = PolicyKind.IDENTITY): PolicyRule[] {
  return PolicyValidator.validateDocument(doc, kind).map((f) => f.rule);
}

function identity(statement: object): PolicyJson {
  return { Version: '2012-10-17', Statement: [statement] };
}

async function decide(policy: PolicyJson, action: string, resource: string, context: Record<string, string> = {}) {
  return evaluate({ request: { action, principal: ROLE, resource, resourceAccount: ACCOUNT, context }, identityPolicies: [policy] });
}

test('NotAction in an Allow grants unrelated, destructive actions; the rejected policy allows dynamodb:DeleteTable', async () => {
  const table = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
  const notAction = identity({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
  const listed = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });

  expect(rules(notAction)).toContain(PolicyRule.ALLOW_NOT_ACTION);
  expect(await decide(notAction, 'dynamodb:DeleteTable', table)).toBe('Allowed');

  expect(rules(listed)).toEqual([]);
  expect(await decide(listed, 'dynamodb:DeleteTable', table)).toBe('ImplicitlyDenied');
});

test('a wildcard action on "*" reaches other buckets; the scoped rewrite does not', async () => {
  const wide = identity({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' });
  const scoped = identity({ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' });

  expect(rules(wide)).toEqual([PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]);
  expect(await decide(wide, 's3:GetObject', 'arn:aws:s3:::payroll/salaries.csv')).toBe('Allowed');

  expect(rules(scoped)).toEqual([]);
  expect(await decide(scoped, 's3:GetObject', 'arn:aws:s3:::payroll/salaries.csv')).toBe('ImplicitlyDenied');
  expect(await decide(scoped, 's3:GetObject', 'arn:aws:s3:::reports/q3.csv')).toBe('Allowed');
});

test('a misspelt condition key silently disables a Deny; the validator catches the typo', async () => {
  const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' };
  const typo = {
    Version: '2012-10-17',
    Statement: [allow, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresnt': 'false' } } }],
  };
  const right = {
    Version: '2012-10-17',
    Statement: [allow, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }],
  };
  const noMfa = { 'aws:MultiFactorAuthPresent': 'false' };

  expect(rules(typo)).toEqual([PolicyRule.UNKNOWN_CONDITION_KEY]);
  expect(await decide(typo, 's3:GetObject', 'arn:aws:s3:::reports/q3.csv', noMfa)).toBe('Allowed');

  expect(rules(right)).toEqual([]);
  expect(await decide(right, 's3:GetObject', 'arn:aws:s3:::reports/q3.csv', noMfa)).toBe('ExplicitlyDenied');
});

test('Principal "*" without a condition in a bucket policy lets anonymous requests in; an org condition keeps them out', async () => {
  const object = 'arn:aws:s3:::reports/q3.csv';
  const open = identity({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
  const org = identity({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports/*',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
  });
  const anonymous = (resourcePolicy: PolicyJson) =>
    evaluate({ request: { action: 's3:GetObject', principal: 'anonymous', resource: object, resourceAccount: ACCOUNT }, resourcePolicy });

  expect(rules(open, PolicyKind.RESOURCE)).toEqual([PolicyRule.PUBLIC_PRINCIPAL]);
  expect(await anonymous(open)).toBe('Allowed');

  expect(rules(org, PolicyKind.RESOURCE)).toEqual([]);
  expect(await anonymous(org)).toBe('ImplicitlyDenied');
});

test('everything the policy builder emits passes the validator', () => {
  const policy = new LeastPrivilegePolicy();
  policy
    .allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'])
    .requireMfa(Duration.hours(1))
    .restrictSourceIp(['203.0.113.0/24']);
  policy.allow(['kms:Decrypt'], [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]).requireResourceOrganization('o-a1b2c3d4e5');
  policy.deny(['iam:CreateRole', 'iam:CreateUser'], ['*']).requireRequestTagKey('owner');
  policy.denyAllExcept(['iam:ListMFADevices', 'iam:EnableMFADevice'], ['*']).requireMfa();
  policy.deny(['*'], ['*']).restrictSourceIp(['203.0.113.0/24']).requireOrganization('o-a1b2c3d4e5');
  const json = new Stack().resolve(policy.toDocument().toJSON());
  expect(PolicyValidator.validateDocument(json, PolicyKind.MANAGED_POLICY)).toEqual([]);
});

test('the CDK grant of a bucket to a role passes the validator', () => {
  // A regression guard for false positives on the most common CDK output.
  const stack = new Stack();
  const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], resources: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] }),
  );
  const doc = stack.resolve((role.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON());
  expect(PolicyValidator.validateDocument(doc, PolicyKind.IDENTITY)).toEqual([]);
});
