import { App, Aspects } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
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
    new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    new LeastPrivilegeRole(stack, 'Least', { assumedBy: lambdaPrincipal() });
    // WHEN
    boundary.applyTo(app);
    Aspects.of(app).add(new RequirePermissionsBoundary());
    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('accepts a LeastPrivilegeRole opted out with a reason', () => {
    const app = new App();
    const stack = newStack(app);
    new LeastPrivilegeRole(stack, 'BreakGlass', { assumedBy: lambdaPrincipal(), withoutPermissionsBoundaryReason: 'break-glass repairs the boundary' });
    Aspects.of(app).add(new RequirePermissionsBoundary());
    expect(() => app.synth()).not.toThrow();
  });
});
