import { _kmsKeyChoiceProblem, PolicySizeLimit } from '@cdk-guardrails/facts';
import { Annotations, Arn, ArnFormat, DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_READ_ACTIONS, SECRET_TAMPER_ACTIONS, SECRET_VALUE_WRITE_ACTIONS } from './perms';
import { propError } from './errors';

const SECRET_POLICY_LIMIT = PolicySizeLimit.SECRETS_MANAGER_RESOURCE_POLICY;

/**
 * Refuse a missing key and the AWS managed key of Secrets Manager (`alias/aws/secretsmanager`):
 * a secret encrypted with an AWS managed key can never be shared across accounts and its
 * key policy cannot be controlled, so these constructs never fall back to it. Refuse an alias, and
 * a key of another account or region than the stack (when both are literal), too.
 */
export function requireCustomerManagedKey(scope: Construct, key: kms.IKey | undefined): kms.IKey {
  if (key === undefined || key === null) {
    throw propError(
      scope,
      'encryptionKey',
      String(key),
      'a customer managed kms.IKey (encryptionKey is required)',
      'Pass a customer managed kms.IKey (for example the secrets key of @cdk-guardrails/kms-hierarchy); the AWS managed key aws/secretsmanager is never used',
    );
  }
  const aliasName = (key as Partial<kms.IAlias>).aliasName;
  const candidates = [aliasName, key.keyArn, key.keyId].filter((v): v is string => typeof v === 'string' && !Token.isUnresolved(v));
  const awsManaged = candidates.find((v) => /(^|:)alias\/aws\//.test(v));
  if (awsManaged !== undefined) {
    throw propError(
      scope,
      'encryptionKey',
      `the AWS managed key '${awsManaged}'`,
      'a customer managed key',
      'AWS managed keys (alias/aws/*) cannot be shared across accounts and their key policy cannot be controlled',
    );
  }
  // An alias can be re-pointed; a key of another account is governed by its owner (who can disable
  // it: the secret becomes unreadable); Secrets Manager uses a key of its own region only.
  const problem = _kmsKeyChoiceProblem(key, Stack.of(scope));
  if (problem !== undefined) {
    throw propError(scope, 'encryptionKey', problem.received, problem.expected, problem.fix);
  }
  return key;
}

/**
 * The resource policy every secret of this package carries:
 *
 * 1. Deny every Secrets Manager action to principals of another account, unless their
 *    `aws:PrincipalArn` is one of the allowed roles (the named roles of an allowed
 *    assume-role chain; an assumed-role session carries its role ARN there).
 *    AWS service principals carry no account: `BoolIfExists aws:PrincipalIsAWSService`
 *    keeps them out of the deny, following the AWS data-perimeter examples.
 * 2. Allow the allowed roles to read the secret (a cross-account read needs an allow on
 *    both sides). The principal is the role's account root narrowed by `aws:PrincipalArn`,
 *    so the policy stays valid if a role is deleted and re-created (a role ARN principal
 *    would be rewritten to an unique id and break) and can be deployed before the role exists.
 * 3. Block public policies (`BlockPublicPolicy`), so Secrets Manager itself rejects any
 *    later statement that would grant broad access.
 */
export function applySecretAccessPolicy(
  scope: Construct,
  secret: secretsmanager.Secret,
  key: kms.IKey,
  allowedRoleArns: string[],
  administratorArns?: string[],
  valueWriterArns?: string[],
): void {
  const stack = Stack.of(scope);
  allowedRoleArns.forEach((arn, i) => validateRoleArn(scope, arn, i));
  applyAdministration(scope, secret, administratorArns);
  if (administratorArns !== undefined && valueWriterArns !== undefined) {
    applyValueWriters(secret, valueWriterArns, administratorArns);
  }

  const denyConditions: Record<string, Record<string, unknown>> = {
    StringNotEquals: { 'aws:PrincipalAccount': stack.account },
    BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
  };
  if (allowedRoleArns.length > 0) {
    denyConditions.ArnNotLike = { 'aws:PrincipalArn': allowedRoleArns };
  }
  secret.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyPrincipalsOutsideAccountExceptAllowedRoles',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['secretsmanager:*'],
      resources: ['*'],
      conditions: denyConditions,
    }),
  );

  if (allowedRoleArns.length > 0) {
    const accounts = uniqueAccounts(allowedRoleArns);
    secret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowReadByAllowedCrossAccountRoles',
        effect: iam.Effect.ALLOW,
        principals: accounts.map((a) => new iam.AccountPrincipal(a)),
        actions: [...SECRET_READ_ACTIONS],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:PrincipalArn': allowedRoleArns } },
      }),
    );
    // The reader also needs kms:Decrypt through Secrets Manager on the key.
    const statement = new iam.PolicyStatement({
      sid: `AllowSecretDecryptByAllowedRoles${secret.node.addr.slice(0, 8)}`,
      principals: accounts.map((a) => new iam.AccountPrincipal(a)),
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` },
        ArnLike: { 'aws:PrincipalArn': allowedRoleArns },
      },
    });
    if (isKeyOfThisStack(scope, key)) {
      key.addToResourcePolicy(statement);
    } else {
      Annotations.of(scope).addWarningV2(
        '@cdk-guardrails/secrets-rotation:importedKeyCrossAccount',
        'allowedCrossAccountRoleArns is set but encryptionKey is not created in this stack: its key policy must allow ' +
          'kms:Decrypt to these roles with kms:ViaService secretsmanager.<region>.amazonaws.com, or their reads will fail',
      );
    }
  }

  const policy = secret.node.tryFindChild('Policy') as secretsmanager.ResourcePolicy | undefined;
  const cfnPolicy = policy?.node.defaultChild as secretsmanager.CfnResourcePolicy | undefined;
  if (cfnPolicy === undefined) {
    // Cannot happen with a secretsmanager.Secret (it creates its policy on demand); fail loudly rather than ship a secret without one.
    throw new Error(`${scope.node.path}: internal error, the secret has no resource policy to protect`);
  }
  cfnPolicy.blockPublicPolicy = true;
  // The policy grows with allowedRoleArns (twice: the deny's exceptions and the allow) and with
  // administratorArns (the tamper deny's exceptions): check it at synth.
  scope.node.addValidation({
    validate: () => {
      const chars = SECRET_POLICY_LIMIT.upperBoundOf(stack.resolve(policy!.document.toJSON()), {
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      });
      const admins = administratorArns === undefined ? '' : `administratorArns: received ${administratorArns.length} ARNs; `;
      return chars > SECRET_POLICY_LIMIT.maximum
        ? [
            `allowedCrossAccountRoleArns: received ${allowedRoleArns.length} role ARNs; ${admins}the resource policy of ${secret.node.path} would be up to ${chars} characters (references counted at their longest), above the Secrets Manager limit of ${SECRET_POLICY_LIMIT.maximum}. ` +
              'Allow fewer roles (for example one reader role per partner account, or a role pattern such as arn:aws:iam::<account>:role/secret-readers-*)' +
              (administratorArns === undefined ? '' : ', or name fewer administrators (the execution role of this region and break-glass suffice)'),
          ]
        : [];
    },
  });
}

/**
 * 4. With `administratorArns`: deny SECRET_TAMPER_ACTIONS to every principal but them (exact
 *    ARNs, `ArnNotEquals aws:PrincipalArn`), AWS service principals excepted as in statement 1.
 *    Without: a warning, since the identity policies alone then decide.
 *
 * Which principals make these calls (the assumption the exemptions rest on):
 * - CloudFormation makes every call of a stack operation with the stack's service role when it has
 *   one ("If you specify a service role, CloudFormation uses that role's credentials", CloudFormation
 *   User Guide, "CloudFormation service role"); a CDK deployment with the default synthesizer passes
 *   the bootstrap's execution role (cdk-<qualifier>-cfn-exec-role-<account>-<region>). So
 *   `CreateSecret`, `PutResourcePolicy`, `TagResource`, the `RotateSecret` that creating or updating an
 *   `AWS::SecretsManager::RotationSchedule` makes (RotateSecret API reference: "Required permissions:
 *   secretsmanager:RotateSecret"), what removing a schedule calls (presumably `CancelRotateSecret`; the
 *   handler's permissions are not in the docs we found) and `DeleteResourcePolicy` then `DeleteSecret`
 *   when the stack deletes a secret all arrive with `aws:PrincipalArn` = that execution role and
 *   `aws:PrincipalIsAWSService` = false: it must be listed (the hosted rotation's nested stack is
 *   deployed with the same role). Without a service role CloudFormation would act with the
 *   credentials of whoever deploys, who must then be listed.
 * - Scheduled rotation calls none of the denied actions: Secrets Manager invokes the rotation
 *   function ("Secrets Manager calls a Lambda function according to the rotation schedule", Secrets
 *   Manager User Guide, "Rotation by Lambda function"), which Lambda's resource policy authorizes, not
 *   this one; the function then calls DescribeSecret, GetSecretValue, PutSecretValue,
 *   UpdateSecretVersionStage and GetRandomPassword with its execution role ("Lambda rotation function
 *   execution role permissions"): statement 4 does not deny them, statement 5 exempts the role where
 *   it is known (token rotations), and on database secrets the identity policies decide. A call Secrets Manager
 *   makes as its own service principal is excepted by `BoolIfExists aws:PrincipalIsAWSService`.
 */
function applyAdministration(scope: Construct, secret: secretsmanager.Secret, administratorArns: string[] | undefined): void {
  if (administratorArns === undefined) {
    Annotations.of(scope).addWarningV2(
      '@cdk-guardrails/secrets-rotation:noAdministrators',
      'administratorArns is not set: any principal of the account whose identity policy allows it (an administrator inside a permissions boundary too) ' +
        'can cancel or re-point the rotation, re-key, re-policy or delete the secret. Set administratorArns to the CloudFormation execution role and a break-glass role',
    );
    return;
  }
  if (administratorArns.length === 0) {
    throw new Error(
      `${scope.node.path}: administratorArns: received an empty list; expected the exact ARNs of the principals that may still change the secret's rotation and policy ` +
        '(the CloudFormation execution role and a break-glass role): an empty list would leave them unchangeable by anyone, the account root included',
    );
  }
  const account = Stack.of(scope).account;
  administratorArns.forEach((arn, i) => {
    if (Token.isUnresolved(arn)) return;
    if (!EXACT_PRINCIPAL_ARN.test(arn)) {
      throw new Error(
        `${scope.node.path}: administratorArns[${i}]: received '${arn}'; expected an exact IAM role, user or account root ARN ` +
          '(arn:aws:iam::111122223333:role/name, no * or ?: a pattern would exempt every role created under a matching name; ' +
          'not an STS session or group ARN, which aws:PrincipalArn never carries)',
      );
    }
    const arnAccount = arn.split(':')[4];
    if (!Token.isUnresolved(account) && arnAccount !== account) {
      throw new Error(
        `${scope.node.path}: administratorArns[${i}]: received '${arn}' of account ${arnAccount}; expected a principal of this account (${account}): ` +
          "the secret's policy denies principals of other accounts every action but reading, so it could never change the secret and would not save it from a lockout",
      );
    }
  });
  warnIfExecutionRoleMissing(scope, administratorArns);
  secret.addToResourcePolicy(denyAllButPrincipals('DenyRotationAndPolicyChangesExceptAdministrators', SECRET_TAMPER_ACTIONS, administratorArns));
}

/**
 * A secret-policy Deny of `actions` to every principal whose `aws:PrincipalArn` is not one of
 * `exempt` (exact ARNs, duplicates dropped), AWS service principals excepted as in statement 1.
 */
function denyAllButPrincipals(sid: string, actions: readonly string[], exempt: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources: ['*'],
    conditions: {
      ArnNotEquals: { 'aws:PrincipalArn': [...new Set(exempt)] },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}

/**
 * 5. With `administratorArns` and the rotation function's role known (the token rotations of this
 *    package): deny writing a value or moving a version label (`PutSecretValue`,
 *    `UpdateSecretVersionStage`) to every principal but that role and the administrators. Anyone
 *    else could plant a value of their choosing, or move AWSCURRENT back to a version they know,
 *    and the secret's users would take it until the next rotation. Secrets Manager's rotation runs
 *    with the function's execution role (statement 4's note); the hosted database rotation's role is
 *    created by the transform under a name nobody chooses, so database secrets do not get this.
 */
function applyValueWriters(secret: secretsmanager.Secret, valueWriterArns: string[], administratorArns: string[]): void {
  secret.addToResourcePolicy(denyAllButPrincipals('DenyValueChangesExceptRotation', SECRET_VALUE_WRITE_ACTIONS, [...valueWriterArns, ...administratorArns]));
}

/**
 * The execution role of the stack's synthesizer (when it is a DefaultStackSynthesizer in a concrete
 * environment) is what CloudFormation changes the secret with: without it in the list, the next
 * deployment that touches the policy or the rotation schedule fails.
 */
function warnIfExecutionRoleMissing(scope: Construct, administratorArns: string[]): void {
  const synthesizer = Stack.of(scope).synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) return;
  let executionRole: string;
  try {
    executionRole = synthesizer.cloudFormationExecutionRoleArn;
  } catch {
    return; // not bound yet
  }
  if (Token.isUnresolved(executionRole)) return;
  // The synthesizer leaves the partition as the placeholder ${AWS::Partition}: compare without it.
  const withoutPartition = (arn: string) => arn.replace('${AWS::Partition}', 'aws').replace(/^arn:[a-z-]+:/, 'arn::');
  if (administratorArns.some((arn) => !Token.isUnresolved(arn) && withoutPartition(arn) === withoutPartition(executionRole))) return;
  Annotations.of(scope).addWarningV2(
    '@cdk-guardrails/secrets-rotation:executionRoleNotAdministrator',
    `administratorArns does not name the CloudFormation execution role this stack deploys with (${executionRole}): CloudFormation would be denied ` +
      "changing the secret's policy or rotation schedule and deleting it. Add it, unless the stack is deployed with another role, which must be listed instead",
  );
}

const EXACT_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]+)$/;

function isKeyOfThisStack(scope: Construct, key: kms.IKey): key is kms.Key {
  return key instanceof kms.Key && Stack.of(key) === Stack.of(scope);
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/*?-]+$/;

function validateRoleArn(scope: Construct, arn: string, index: number): void {
  if (Token.isUnresolved(arn)) {
    return;
  }
  if (!ROLE_ARN.test(arn)) {
    throw propError(
      scope,
      `allowedCrossAccountRoleArns[${index}]`,
      `'${arn}'`,
      'an IAM role ARN such as arn:aws:iam::111122223333:role/name (wildcards allowed in the name only)',
    );
  }
  // A name that starts with a wildcard matches every role of the account, those its admins create
  // later included (red15 R15-13): the pattern must start with a literal character, as central-logging's
  // evidenceSubscriberArnPatterns.
  if (/:role\/[*?]/.test(arn)) {
    throw propError(
      scope,
      `allowedCrossAccountRoleArns[${index}]`,
      `'${arn}', whose role name starts with a wildcard (any role of account ${arn.split(':')[4]}, one created later included, could match)`,
      'a role name (or path) that starts with a literal character, such as arn:aws:iam::111122223333:role/auditor or role/auditors-*',
    );
  }
}

function uniqueAccounts(roleArns: string[]): string[] {
  const accounts = roleArns.map((arn) => Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).account ?? '');
  return accounts.filter((a, i) => accounts.indexOf(a) === i);
}

/**
 * Let `grantee` use the key through Secrets Manager only, on its identity policy.
 * CDK's own secret grants (`grantRead`, rotation schedules) put this permission into the
 * key policy when the key is created in the same stack, but silently drop it for an
 * imported key; granting it on the principal works for both.
 */
export function grantKeyUseViaSecretsManager(scope: Construct, grantee: iam.IGrantable, key: kms.IKey, actions: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` } },
  });
}

/** Read access to the secret plus kms:Decrypt through Secrets Manager. */
export function grantSecretRead(scope: Construct, grantee: iam.IGrantable, secret: secretsmanager.ISecret, key: kms.IKey, versionStages?: string[]): iam.Grant {
  return secret.grantRead(grantee, versionStages).combine(grantKeyUseViaSecretsManager(scope, grantee, key, ['kms:Decrypt']));
}
