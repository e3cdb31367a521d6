// Test-only: the Action "*" statements below are the violations the validator must reject.
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LeastPrivilegePolicy, PolicyRule, PolicyValidator } from '../../lib/validation';
import { pinToday, WAIVER } from './helpers';

// Suppressions are judged on a fixed day (GUARDRAILS_TODAY), and WAIVER is valid on it.
pinToday();

function validatedStack(props: { warnOnly?: boolean } = {}): Stack {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: '111122223333', region: 'eu-west-1' } });
  Aspects.of(app).add(new PolicyValidator(props));
  return stack;
}

function lambdaRole(stack: Stack, id = 'Role'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('PolicyValidator aspect', () => {
  test('passes a least-privilege role built with the policy builder', () => {
    // GIVEN
    const stack = validatedStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = lambdaRole(stack);
    const policy = new LeastPrivilegePolicy();
    policy.allow(['s3:GetObject'], [bucket.arnForObjects('*')]);

    // WHEN
    role.attachInlinePolicy(new iam.Policy(stack, 'Read', { document: policy.toDocument() }));

    // THEN
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('fails synth with the construct path, the rule and the offending statement on Action "*"', () => {
    // GIVEN
    const stack = validatedStack();
    const role = lambdaRole(stack);

    // WHEN
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Workload\/Role\/DefaultPolicy\/Resource\] \[ALLOW_STAR_ACTION\] Allow with Action "\*" in statement \{"Action":"\*","Effect":"Allow","Resource":"\*"\} \(at Properties.PolicyDocument.Statement\[0\]\)/,
    );
  });

  test('fails synth on a wildcard action on Resource "*" in a managed policy', () => {
    const stack = validatedStack();
    new iam.ManagedPolicy(stack, 'Managed', {
      statements: [new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] })],
    });
    expect(() => Template.fromStack(stack)).toThrow(/\[Workload\/Managed\/Resource\] \[WILDCARD_ACTION_ON_ALL_RESOURCES\]/);
  });

  test('fails synth on a trust policy that lets anyone assume the role', () => {
    const stack = validatedStack();
    new iam.Role(stack, 'Open', { assumedBy: new iam.AnyPrincipal() });
    expect(() => Template.fromStack(stack)).toThrow(/\[Workload\/Open\/Resource\] \[PUBLIC_PRINCIPAL\].*AssumeRolePolicyDocument/);
  });

  test('fails synth on a bucket policy that grants reads to everyone', () => {
    const stack = validatedStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }),
    );
    expect(() => Template.fromStack(stack)).toThrow(/\[Workload\/Bucket\/Policy\/Resource\] \[PUBLIC_PRINCIPAL\]/);
  });

  test('flags the CDK default key policy (kms:* on * for the account root), which needs a deliberate suppression', () => {
    const stack = validatedStack();
    new kms.Key(stack, 'Key');
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Workload\/Key\/Resource\] \[WILDCARD_ACTION_ON_ALL_RESOURCES\] Allow with the wildcard action\(s\) kms:\*/,
    );
  });

  test('fails synth on unknown actions and condition keys', () => {
    const stack = validatedStack();
    lambdaRole(stack).addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObjekt'],
        resources: ['arn:aws:s3:::reports/*'],
        conditions: { Bool: { 'aws:MultiFactorAuthPresnt': 'true' } },
      }),
    );
    expect(() => Template.fromStack(stack)).toThrow(/\[UNKNOWN_ACTION\][\s\S]*\[UNKNOWN_CONDITION_KEY\] condition key 'aws:MultiFactorAuthPresnt'/);
  });

  test('fails synth when the inline policies of one role exceed 10,240 characters together', () => {
    // GIVEN: each inline policy is small, the sum is not
    const stack = validatedStack();
    const role = lambdaRole(stack);
    for (let p = 0; p < 3; p++) {
      role.attachInlinePolicy(
        new iam.Policy(stack, `Inline${p}`, {
          statements: Array.from(
            { length: 40 },
            (_, i) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-${p}-${i}-with-a-long-name/*`] }),
          ),
        }),
      );
    }
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Workload\/Role\/Resource\] \[POLICY_TOO_LARGE\] policy is \d+ characters, over the inline policies per role limit \(10,240 characters in total\).*Inline0/,
    );
  });

  test('fails synth on a managed policy over 6,144 characters', () => {
    const stack = validatedStack();
    new iam.ManagedPolicy(stack, 'Big', {
      statements: Array.from(
        { length: 90 },
        (_, i) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-${i}-with-a-long-name/*`] }),
      ),
    });
    expect(() => Template.fromStack(stack)).toThrow(/\[Workload\/Big\/Resource\] \[POLICY_TOO_LARGE\].*managed policy limit \(6,144 characters\)/);
  });

  test('does nothing without the aspect (the check is opt-in per scope)', () => {
    const stack = new Stack();
    lambdaRole(stack).addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('warnOnly reports warnings instead of failing', () => {
    const stack = validatedStack({ warnOnly: true });
    lambdaRole(stack).addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    Annotations.fromStack(stack).hasWarning('/Workload/Role/DefaultPolicy/Resource', Match.stringLikeRegexp('\\[ALLOW_STAR_ACTION\\] Allow with Action'));
  });
});

describe('PolicyValidator.suppress', () => {
  test('a suppression with a reason lets synth pass, covers children, and is written into the template Metadata', () => {
    // GIVEN
    const stack = validatedStack();
    const role = lambdaRole(stack);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));

    // WHEN: suppressed on the L2 role; the DefaultPolicy is a child
    PolicyValidator.suppress(role, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, 'Read-only inventory job scans every bucket of the account', WAIVER);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::IAM::Policy', {
      Metadata: {
        guardrails_policy_validator: {
          suppressions: [{ rule: 'WILDCARD_ACTION_ON_ALL_RESOURCES', reason: 'Read-only inventory job scans every bucket of the account' }],
        },
      },
    });
  });

  test('a suppression covers only its rule', () => {
    const stack = validatedStack();
    const role = lambdaRole(stack);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    PolicyValidator.suppress(role, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, 'Read-only inventory job scans every bucket', WAIVER);
    expect(() => Template.fromStack(stack)).toThrow(/\[ALLOW_STAR_ACTION\]/);
  });

  test('a suppression on one construct does not cover a sibling', () => {
    const stack = validatedStack();
    const a = lambdaRole(stack, 'A');
    const b = lambdaRole(stack, 'B');
    a.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
    b.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
    PolicyValidator.suppress(a, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, 'Read-only inventory job scans every bucket', WAIVER);
    expect(() => Template.fromStack(stack)).toThrow(/\[Workload\/B\/DefaultPolicy\/Resource\] \[WILDCARD_ACTION_ON_ALL_RESOURCES\]/);
    expect(() => Template.fromStack(stack)).not.toThrow(/Workload\/A\//);
  });

  test('fails if the reason is missing or too short', () => {
    const stack = new Stack();
    const role = lambdaRole(stack);
    expect(() => PolicyValidator.suppress(role, PolicyRule.ALLOW_STAR_ACTION, '', WAIVER)).toThrow(
      /^PolicyValidator\.suppress: reason: received ""; expected a suppression of ALLOW_STAR_ACTION on 'Default\/Role' needs a reason of at least 20 characters$/,
    );
    expect(() => PolicyValidator.suppress(role, PolicyRule.ALLOW_STAR_ACTION, '   ok    ', WAIVER)).toThrow(/needs a reason/);
    // 19 characters: says nothing a reviewer can check (ExemptionReason.MIN_LENGTH is 20)
    expect(() => PolicyValidator.suppress(role, PolicyRule.ALLOW_STAR_ACTION, 'legacy job, needed', WAIVER)).toThrow(
      /reason: received "legacy job, needed"; expected a suppression of ALLOW_STAR_ACTION on 'Default\/Role' needs a reason of at least 20 characters/,
    );
  });

  test('fails if the rule is unknown or is SUPPRESSION_WITHOUT_REASON', () => {
    const stack = new Stack();
    const role = lambdaRole(stack);
    expect(() => PolicyValidator.suppress(role, 'NOPE' as PolicyRule, 'a long enough reason', WAIVER)).toThrow(
      /^PolicyValidator\.suppress: rule: received unknown rule 'NOPE'; expected one of the allowed: ALLOW_STAR_ACTION/,
    );
    expect(() => PolicyValidator.suppress(role, PolicyRule.SUPPRESSION_WITHOUT_REASON, 'a long enough reason', WAIVER)).toThrow(/cannot be suppressed/);
  });
});
