import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LeastPrivilegeRole, PermissionsBoundary, RequirePermissionsBoundary } from '../../lib';
import { newStack } from './helpers';

const lambdaPrincipal = () => new iam.ServicePrincipal('lambda.amazonaws.com');

describe('RequirePermissionsBoundary', () => {
  test('fails if a role has no boundary', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    new iam.Role(stack, 'Unbounded', { assumedBy: lambdaPrincipal() });
    // WHEN
    Aspects.of(app).add(new RequirePermissionsBoundary());
    // THEN
    expect(() => app.synth()).toThrow(/AWS::IAM::Role TestStack\/Unbounded\/Resource has no permissions boundary/);
  });

  test('fails if a user has no boundary', () => {
    const app = new App();
    const stack = newStack(app);
    new iam.User(stack, 'Someone');
    Aspects.of(app).add(new RequirePermissionsBoundary());
    expect(() => app.synth()).toThrow(/AWS::IAM::User TestStack\/Someone\/Resource has no permissions boundary/);
  });

  test('passes when applyTo covers every role, including the ones CDK creates for a Function', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    const boundary = new PermissionsBoundary(stack, 'Boundary');
    new iam.Role(stack, 'Plain', { assumedBy: lambdaPrincipal() });
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    new LeastPrivilegeRole(stack, 'Least', { assumedBy: lambdaPrincipal() });
    // WHEN
    boundary.applyTo(app);
    Aspects.of(app).add(new RequirePermissionsBoundary());
    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('PermissionsBoundary.exempt clears an app-wide boundary for one scope, with a reason the check accepts', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    const boundary = new PermissionsBoundary(stack, 'Boundary');
    const recorderRole = new iam.Role(stack, 'RecorderRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    new iam.Role(stack, 'Other', { assumedBy: lambdaPrincipal() });
    // WHEN
    boundary.applyTo(app);
    PermissionsBoundary.exempt(recorderRole, 'AWS Config reads every resource type');
    Aspects.of(app).add(new RequirePermissionsBoundary());
    // THEN
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const byId = (prefix: string) => Object.entries<any>(roles).find(([id]) => id.startsWith(prefix))![1];
    expect(byId('RecorderRole').Properties.PermissionsBoundary).toBeUndefined();
    expect(byId('Other').Properties.PermissionsBoundary).toBeDefined();
    Annotations.fromStack(stack).hasInfo(
      '/TestStack/RecorderRole',
      'no permissions boundary (PermissionsBoundary.exempt) for TestStack/RecorderRole/Resource: AWS Config reads every resource type',
    );
    Annotations.fromStack(stack).hasNoWarning('/TestStack/RecorderRole', Match.anyValue());
  });

  test('PermissionsBoundary.exempt on a scope that holds several roles warns, naming each', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    const tooling = new Construct(stack, 'Tooling');
    new iam.Role(tooling, 'Scanner', { assumedBy: lambdaPrincipal() });
    new iam.Role(tooling, 'Reporter', { assumedBy: lambdaPrincipal() });
    // WHEN
    PermissionsBoundary.exempt(tooling, 'security tooling reads every resource type');
    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Tooling',
      Match.stringLikeRegexp(
        '^PermissionsBoundary.exempt: scope: received TestStack/Tooling, which holds 2 roles and users \\(TestStack/Tooling/Scanner/Resource, TestStack/Tooling/Reporter/Resource\\); expected one role or user per opt-out',
      ),
    );
    Annotations.fromStack(stack).hasNoInfo('/TestStack/Tooling', Match.anyValue());
  });

  test("accepts an opt-out recorded as construct metadata by a package that does not depend on this one (detective-controls' recorder role), and only with that exact type", () => {
    const build = (type: string) => {
      const app = new App();
      const stack = newStack(app);
      const role = new iam.Role(stack, 'Recorder', { assumedBy: new iam.ServicePrincipal('config.amazonaws.com') });
      role.node.addMetadata(type, 'AWS Config recorder: reads every resource type');
      Aspects.of(app).add(new RequirePermissionsBoundary());
      return app;
    };
    expect(() => build('cdk-guardrails:permissions-boundary-opt-out').synth()).not.toThrow();
    expect(() => build('cdk-guardrails:permissions-boundary-opt-out-x').synth()).toThrow(/Recorder\/Resource has no permissions boundary/);
  });

  test('fails if an exemption has no real reason', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: lambdaPrincipal() });
    expect(() => PermissionsBoundary.exempt(role, 'because')).toThrow(
      /^TestStack\/R: reason: received "because"; expected at least 20 characters explaining why TestStack\/R needs no permissions boundary$/,
    );
    expect(() => PermissionsBoundary.exempt(role, 'not needed here')).toThrow(/reason: received "not needed here"; expected at least 20 characters/);
  });

  test('accepts a LeastPrivilegeRole opted out with a reason', () => {
    const app = new App();
    const stack = newStack(app);
    new LeastPrivilegeRole(stack, 'BreakGlass', { assumedBy: lambdaPrincipal(), withoutPermissionsBoundaryReason: 'break-glass repairs the boundary' });
    Aspects.of(app).add(new RequirePermissionsBoundary());
    expect(() => app.synth()).not.toThrow();
  });
});
