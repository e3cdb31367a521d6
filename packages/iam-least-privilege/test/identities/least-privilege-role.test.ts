import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LeastPrivilegeRole, PermissionsBoundary } from '../../lib';
import { ACCOUNT, newStack, OTHER_ACCOUNT } from './helpers';

const lambdaPrincipal = () => new iam.ServicePrincipal('lambda.amazonaws.com');

describe('LeastPrivilegeRole', () => {
  test('starts with no permissions, the project boundary and a 1-hour maximum session', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      MaxSessionDuration: 3600,
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
      PermissionsBoundary: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`]],
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('exposes the attached boundary as permissionsBoundary', () => {
    const stack = newStack();
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    expect(stack.resolve(role.permissionsBoundary!.managedPolicyArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`]],
    });
  });

  test.each([
    ['boundary first', true],
    ['role first', false],
  ])('in the same stack as the boundary (%s), the role deploys after it', (_name, boundaryFirst) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    if (boundaryFirst) new PermissionsBoundary(stack, 'Boundary');
    new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    if (!boundaryFirst) new PermissionsBoundary(stack, 'Boundary');
    // THEN
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values<any>(roles)[0].DependsOn).toEqual([expect.stringMatching(/^Boundary/)]);
  });

  test('in a stack without the boundary, the role references it by name only', () => {
    const stack = newStack();
    new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values<any>(roles)[0].DependsOn).toBeUndefined();
  });

  test('warns when no PermissionsBoundary of the app creates the boundary it names in its account; not when another stack of that account does, nor with a boundary given', () => {
    // GIVEN an app whose only boundary is in account 111111111111
    const app = new App();
    const withBoundary = new Stack(app, 'Home', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new PermissionsBoundary(withBoundary, 'Boundary');
    const sameAccount = new Stack(app, 'OtherRegion', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const otherAccount = new Stack(app, 'Elsewhere', { env: { account: OTHER_ACCOUNT, region: 'eu-west-1' } });
    const agnostic = new Stack(app, 'Agnostic');
    // WHEN
    for (const stack of [sameAccount, otherAccount, agnostic]) new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    new LeastPrivilegeRole(otherAccount, 'Given', {
      assumedBy: lambdaPrincipal(),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(otherAccount, 'B', 'TeamBoundary'),
    });
    // THEN
    const warning = Match.stringLikeRegexp(
      `references 'GuardrailsPermissionsBoundary' by name in account ${OTHER_ACCOUNT}, and no PermissionsBoundary of this app creates it there`,
    );
    Annotations.fromStack(otherAccount).hasWarning('/Elsewhere/Role', warning);
    Annotations.fromStack(otherAccount).hasNoWarning('/Elsewhere/Given', Match.anyValue());
    Annotations.fromStack(sameAccount).hasNoWarning('/OtherRegion/Role', Match.anyValue());
    // An environment-agnostic stack's account is known only at deploy: no guess.
    Annotations.fromStack(agnostic).hasNoWarning('/Agnostic/Role', Match.anyValue());
  });

  test('accepts another boundary', () => {
    const stack = newStack();
    const boundary = new PermissionsBoundary(stack, 'Boundary', { managedPolicyName: 'TeamBoundary' });
    new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal(), permissionsBoundary: boundary });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      PermissionsBoundary: { Ref: Match.stringLikeRegexp('^Boundary') },
    });
  });

  test('permissions come only from grants', () => {
    const stack = newStack();
    const role = new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal() });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:eu-west-1:${ACCOUNT}:q`] }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sqs:SendMessage' })] },
    });
  });

  test('a reasoned opt-out has no boundary, even when one is applied to the whole app; it is recorded and shown, not warned', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    const boundary = new PermissionsBoundary(stack, 'Boundary');
    // WHEN
    new LeastPrivilegeRole(stack, 'BreakGlass', {
      assumedBy: lambdaPrincipal(),
      withoutPermissionsBoundaryReason: 'break-glass role must be able to repair the boundary itself',
    });
    new iam.Role(stack, 'Other', { assumedBy: lambdaPrincipal() });
    boundary.applyTo(app);
    // THEN
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const byId = (prefix: string) => Object.entries<any>(roles).find(([id]) => id.startsWith(prefix))![1];
    expect(byId('BreakGlass').Properties.PermissionsBoundary).toBeUndefined();
    expect(byId('Other').Properties.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
    Annotations.fromStack(stack).hasInfo(
      '/TestStack/BreakGlass',
      'no permissions boundary (LeastPrivilegeRole withoutPermissionsBoundaryReason) for TestStack/BreakGlass/Resource: break-glass role must be able to repair the boundary itself',
    );
    Annotations.fromStack(stack).hasNoWarning('/TestStack/BreakGlass', Match.anyValue());
    expect(app.synth().getStackByName(stack.stackName).findMetadataByType('cdk-guardrails:permissions-boundary-opt-out')).toEqual([
      {
        path: '/TestStack/BreakGlass',
        type: 'cdk-guardrails:permissions-boundary-opt-out',
        data: 'break-glass role must be able to repair the boundary itself',
      },
    ]);
  });

  test('fails if the opt-out reason is too short', () => {
    expect(() => new LeastPrivilegeRole(newStack(), 'Role', { assumedBy: lambdaPrincipal(), withoutPermissionsBoundaryReason: 'no' })).toThrow(
      /withoutPermissionsBoundaryReason: received 'no'; expected a reason of at least 20 characters/,
    );
    expect(() => new LeastPrivilegeRole(newStack(), 'Role', { assumedBy: lambdaPrincipal(), withoutPermissionsBoundaryReason: 'legacy vendor role' })).toThrow(
      /withoutPermissionsBoundaryReason: received 'legacy vendor role'; expected a reason of at least 20 characters/,
    );
  });

  test('fails if an opt-out is combined with a boundary', () => {
    const stack = newStack();
    expect(
      () =>
        new LeastPrivilegeRole(stack, 'Role', {
          assumedBy: lambdaPrincipal(),
          permissionsBoundary: PermissionsBoundary.fromDefaultName(stack, 'B'),
          withoutPermissionsBoundaryReason: 'a long enough reason',
        }),
    ).toThrow(
      /^TestStack\/Role: withoutPermissionsBoundaryReason: received a reason together with permissionsBoundary; expected no permissionsBoundary \(they cannot be combined\)\. Pass one or the other$/,
    );
  });

  test.each([[Duration.minutes(30)], [Duration.hours(13)]])('fails if maxSessionDuration is %s', (d) => {
    expect(() => new LeastPrivilegeRole(newStack(), 'Role', { assumedBy: lambdaPrincipal(), maxSessionDuration: d })).toThrow(
      /^TestStack\/Role: maxSessionDuration: received .*; expected 1 hour to 12 hours$/,
    );
  });

  test('accepts a 12-hour maximum session', () => {
    const stack = newStack();
    new LeastPrivilegeRole(stack, 'Role', { assumedBy: lambdaPrincipal(), maxSessionDuration: Duration.hours(12) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 43200 });
  });

  test('fails if the path is malformed', () => {
    expect(() => new LeastPrivilegeRole(newStack(), 'Role', { assumedBy: lambdaPrincipal(), path: 'guardrails' })).toThrow(/path: received 'guardrails'/);
  });
});
