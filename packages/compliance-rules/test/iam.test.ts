import * as iam from 'aws-cdk-lib/aws-iam';
import { GuardrailsChecks } from '../lib';
import { findings, freshStack } from './helpers';

describe('IamCrossAccountTrustExternalId', () => {
  const RULE = 'IamCrossAccountTrustExternalId';

  describe('Compliance', () => {
    test('another account with an external id', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal('222222222222'), externalIds: ['partner-7'] });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('the own account and service principals need none', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Own', { assumedBy: new iam.AccountRootPrincipal() });
      new iam.Role(stack, 'Service', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      expect(findings(stack, RULE)).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('another account without an external id', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal('222222222222') });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('a role ARN of another account without an external id', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::222222222222:role/ci') });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('an external id condition of the wrong kind (StringLike with a wildcard)', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.AccountPrincipal('222222222222').withConditions({ StringLike: { 'sts:ExternalId': '*' } }),
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });
  });
});

describe('IamRolePermissionsBoundary', () => {
  const RULE = 'IamRolePermissionsBoundary';

  describe('Compliance', () => {
    test('a role with a boundary', () => {
      const stack = freshStack();
      const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
        managedPolicyName: 'guardrails-boundary',
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
      });
      new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: boundary });
      expect(findings(stack, RULE)).toEqual([]);
      expect(findings(stack, RULE, { permissionsBoundaryPattern: '^guardrails-boundary$' })).toEqual([]);
    });

    test('a boundary referenced by ARN matches the pattern', () => {
      const stack = freshStack();
      const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'guardrails-boundary');
      new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: boundary });
      expect(findings(stack, RULE, { permissionsBoundaryPattern: ':policy/guardrails-boundary$' })).toEqual([]);
    });

    test('a role opted out with a reason (the metadata PermissionsBoundary.exempt and detective-controls write) is not reported; its sibling is', () => {
      // GIVEN two roles without a boundary, one opted out with a reason on its L2 scope
      const stack = freshStack();
      const exempt = new iam.Role(stack, 'Recorder', { assumedBy: new iam.ServicePrincipal('config.amazonaws.com') });
      exempt.node.addMetadata('cdk-guardrails:permissions-boundary-opt-out', 'AWS Config recorder: reads every resource through AWS_ConfigRole');
      new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      // THEN only the other one is a finding
      expect(findings(stack, RULE)).toEqual(['TestStack/Other/Resource']);
    });
  });

  describe('Noncompliance', () => {
    test('a role without a boundary', () => {
      const stack = freshStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('an opt-out without a reason does not count', () => {
      const stack = freshStack();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      role.node.addMetadata('cdk-guardrails:permissions-boundary-opt-out', '  ');
      expect(findings(stack, RULE)).toEqual(['TestStack/Role/Resource']);
    });

    test('a role whose boundary does not match the configured pattern', () => {
      const stack = freshStack();
      const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'something-else');
      new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), permissionsBoundary: boundary });
      expect(findings(stack, RULE, { permissionsBoundaryPattern: 'guardrails-boundary$' })).toEqual(['TestStack/Role/Resource']);
    });
  });

  test('fails if the boundary pattern is not a regular expression', () => {
    expect(() => new GuardrailsChecks(undefined, { permissionsBoundaryPattern: '[' })).toThrow(
      /^GuardrailsChecks: permissionsBoundaryPattern: received "\[" \(Invalid regular expression: .+\); expected a JavaScript regular expression$/,
    );
  });
});
