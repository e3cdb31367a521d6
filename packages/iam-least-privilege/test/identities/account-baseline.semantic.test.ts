/**
 * The account baseline (account-level S3 Block Public Access, EBS encryption by default and its
 * default key) cannot be undone from inside the boundary. Attack: an administrator with `Allow *:*`
 * inside GuardrailsPermissionsBoundary calls each undoing action. The actions are resourceless, and
 * the boundary allows resourceless actions by name only: denied by the boundary's ceiling (an
 * explicit Deny does not fit the prod boundary's 6,144 characters: see boundary-helpers.ts). What
 * would lift that ceiling fails at synth (the test that fails when the guardrail is removed).
 * Control: the CloudFormation execution role, outside the boundary, still can (it deploys the
 * baseline; so does the baseline's custom-resource role, also outside the boundary).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { PermissionsBoundary, PermissionsBoundaryProps } from '../../lib';
import { ACCOUNT_BASELINE_TAMPER_ACTIONS } from '../../lib/identities/private/perms';
import { ACCOUNT, decide, FULL_AWS_ACCESS, managedPolicyDocument, newStack, REGION } from './helpers';

const ATTACKER = `arn:aws:iam::${ACCOUNT}:role/admin-inside-boundary`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const LOG_ADMIN = `arn:aws:iam::${ACCOUNT}:role/log-admin`;

function synthBoundary(props: PermissionsBoundaryProps = {}) {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', { guardrailAdministratorArns: [LOG_ADMIN], ...props });
  return managedPolicyDocument(stack);
}
const BOUNDARY = synthBoundary();
const SCPS = [FULL_AWS_ACCESS];

const UNDO = [
  // S3 Control PutPublicAccessBlock and DeletePublicAccessBlock on the account both authorize as this action.
  's3:PutAccountPublicAccessBlock',
  'ec2:DisableEbsEncryptionByDefault',
  'ec2:ModifyEbsDefaultKmsKeyId',
  'ec2:ResetEbsDefaultKmsKeyId',
];

describe('account baseline: a bounded admin cannot undo it', () => {
  test('the list the boundary guards is exactly the four undoing actions', () => {
    expect([...ACCOUNT_BASELINE_TAMPER_ACTIONS]).toEqual(UNDO);
  });

  test.each(UNDO)('attack: %s with Allow *:* inside the boundary is denied (outside the boundary ceiling)', async (action) => {
    await expect(decide(ATTACKER, { action, resource: '*' }, { boundary: BOUNDARY, scps: SCPS })).resolves.toBe('ImplicitlyDenied');
  });

  test.each(UNDO)('control: the CloudFormation execution role (outside the boundary) may %s', async (action) => {
    await expect(decide(EXEC_ROLE, { action, resource: '*' }, { scps: SCPS })).resolves.toBe('Allowed');
  });

  test.each(UNDO)('fails if resourcelessActions names %s (it would lift the ceiling)', (action) => {
    expect(() => synthBoundary({ resourcelessActions: [...PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS, action] })).toThrow(
      new RegExp(`TestStack/Boundary: resourcelessActions: received '${action}'; expected no action that undoes the account baseline`),
    );
  });

  test.each([
    ['ec2:*', ['*']],
    ['s3:Put*', ['*']],
    ['*', ['*']],
  ])('fails if additionalStatements allows %s on %j', (action, resources) => {
    const statement = new iam.PolicyStatement({ actions: [action], resources });
    expect(() => synthBoundary({ additionalStatements: [statement] })).toThrow(
      /TestStack\/Boundary: additionalStatements\[0\]: received an Allow on '\*' that grants .*; expected no Allow of an action that undoes the account baseline/,
    );
  });

  test('fails if additionalStatements allows every action but a few (NotAction) on *', () => {
    const statement = new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] });
    expect(() => synthBoundary({ additionalStatements: [statement] })).toThrow(
      /additionalStatements\[0\]: received an Allow on '\*' that grants s3:PutAccountPublicAccessBlock/,
    );
  });

  test('an additional Allow of other resourceless actions, or of ec2:* on account-scoped ARNs, is accepted', () => {
    expect(() =>
      synthBoundary({
        additionalStatements: [
          new iam.PolicyStatement({
            actions: ['ec2:GetEbsEncryptionByDefault', 'ec2:GetEbsDefaultKmsKeyId', 's3:GetAccountPublicAccessBlock'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({ actions: ['ec2:*'], resources: [`arn:aws:ec2:${REGION}:${ACCOUNT}:volume/*`] }),
        ],
      }),
    ).not.toThrow();
  });
});
