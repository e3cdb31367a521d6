import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyPurpose, KeySource } from './key-source';
import { KeyPolicyStatements } from './key-policy-statements';
import { ADMIN_ACTIONS, DECRYPT_ACTIONS, ENCRYPT_ACTIONS, LOGS_SERVICE_ACTIONS, SERVICE_GRANT_ACTIONS, SERVICE_USE_ACTIONS } from './private/perms';
import {
  CDK_EXECUTION_ROLE_ARN,
  validateAdministratorArns,
  validateAliasPrefix,
  validateKeyArn,
  validateRotationPeriod,
  validateServiceNames,
} from './private/validation';
import { KeyHierarchyProps } from './key-hierarchy-props';
import { propError } from './private/errors';

/** Services each purpose can be used through by default (kms:ViaService). */
const DEFAULT_SERVICES: Record<KeyPurpose, string[]> = {
  [KeyPurpose.DATA]: ['s3'],
  [KeyPurpose.SECRETS]: ['secretsmanager'],
  [KeyPurpose.LOGS]: ['kinesis', 'sqs'],
};

/**
 * Per-region KMS key hierarchy: a data key, a secrets key and a logs key, each created by this
 * construct (rotation on, retained, alias, restrictive key policy) or imported by ARN.
 *
 * Key policies of created keys separate administration from use: administrators manage the key
 * but cannot use it; principals of this account can use it only through the purpose's AWS
 * services (`kms:ViaService` + `kms:CallerAccount`); CloudWatch Logs may use the logs key only for
 * log groups of this account and region.
 *
 * Two kinds of grant: aws-cdk-lib grants on the exposed keys (`bucket.grantRead`,
 * `keys.dataKey.grantDecrypt`, ...) add the identity policy for use through the purpose's services;
 * direct use is granted by name with `grantEncrypt` / `grantDecrypt` / `grantEncryptDecrypt` on this
 * construct, which add both the identity policy and a key policy statement naming exactly the grantee.
 *
 * Other constructs may add statements with `key.addToResourcePolicy(...)` (a no-op on imported keys).
 */
export class KeyHierarchy extends Construct {
  /** The key for application data (S3 and other data stores). */
  public readonly dataKey: kms.IKey;

  /** The key for Secrets Manager secrets. */
  public readonly secretsKey: kms.IKey;

  /** The key for CloudWatch Logs and the streams and queues that carry log records. */
  public readonly logsKey: kms.IKey;

  private readonly keys = new Map<KeyPurpose, kms.IKey>();
  private readonly createdKeys = new Map<KeyPurpose, kms.Key>();

  constructor(scope: Construct, id: string, props: KeyHierarchyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    // Validate every prop before creating anything.
    // A token period cannot be checked against KMS's range, and Duration.days(token) cannot be rendered
    // as whole days either: refused, rather than silently replaced by the default (red15 R15-3).
    if (props.rotationPeriod?.isUnresolved()) {
      throw propError(this, 'rotationPeriod', 'an unresolved token (a parameter or a reference)', 'a literal whole number of days, 90 to 2560 (AWS KMS)');
    }
    const rotationDays = validateRotationPeriod(this, props.rotationPeriod) ?? 365;
    const aliasPrefix = props.aliasPrefix ?? 'guardrails';
    validateAliasPrefix(this, aliasPrefix);
    const sources: Record<KeyPurpose, KeySource> = {
      [KeyPurpose.DATA]: props.dataKey ?? KeySource.create(),
      [KeyPurpose.SECRETS]: props.secretsKey ?? KeySource.create(),
      [KeyPurpose.LOGS]: props.logsKey ?? KeySource.create(),
    };
    const extraServices: Record<KeyPurpose, string[]> = {
      [KeyPurpose.DATA]: props.additionalDataKeyServices ?? [],
      [KeyPurpose.SECRETS]: props.additionalSecretsKeyServices ?? [],
      [KeyPurpose.LOGS]: props.additionalLogsKeyServices ?? [],
    };
    for (const purpose of ALL_PURPOSES) {
      const source = sources[purpose];
      if (source.keyArn !== undefined) {
        validateKeyArn(this, propNameOf(purpose), source.keyArn);
      }
      validateServiceNames(this, servicesPropNameOf(purpose), extraServices[purpose]);
    }
    if (props.administrators !== undefined && props.administratorArns !== undefined) {
      throw propError(
        this,
        'administratorArns',
        `${props.administratorArns.length} ARN(s) together with administrators`,
        'only one of administrators and administratorArns',
      );
    }
    const administrators = props.administrators ?? [new iam.AccountRootPrincipal()];
    if (administrators.length === 0) {
      throw propError(this, 'administrators', 'an empty list', 'at least one principal that can manage the keys');
    }
    if (props.administrators !== undefined) validateAdministratorPrincipals(this, props.administrators);
    const administratorArns = props.administratorArns;
    if (administratorArns !== undefined) {
      validateAdministratorArns(this, 'administratorArns', administratorArns);
      // The reminder is only useful when no ARN can be the deployer: an unresolved token may be it.
      const deployerListed = administratorArns.some((arn) => Token.isUnresolved(arn) || CDK_EXECUTION_ROLE_ARN.test(arn));
      if (!deployerListed) {
        Annotations.of(this).addWarningV2(
          '@cdk-guardrails/kms-hierarchy:administratorArnsWithoutDeployer',
          'administratorArns names no CDK CloudFormation execution role (role/cdk-<qualifier>-cfn-exec-role-<account>-<region>): ' +
            'make sure it includes the role that deploys this stack, or KMS refuses to create the keys and later updates fail.',
        );
      }
    } else if (props.administrators !== undefined) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/kms-hierarchy:customAdministrators',
        'administrators replaces the account root as key administrator: make sure it includes the role that deploys ' +
          'this stack (CloudFormation execution role), or key creation and later updates will be refused by KMS.',
      );
    }

    for (const purpose of ALL_PURPOSES) {
      const source = sources[purpose];
      const constructId = `${capitalized(purpose)}Key`;
      if (source.keyArn !== undefined) {
        // Imported: nothing is created, the key policy is owned elsewhere.
        this.keys.set(purpose, kms.Key.fromKeyArn(this, constructId, source.keyArn));
        continue;
      }
      const policy = new iam.PolicyDocument({
        statements: this.keyPolicyStatements(purpose, administrators, administratorArns, extraServices[purpose]),
      });
      const key = new kms.Key(this, constructId, {
        description: `${capitalized(purpose)} key of the guardrails key hierarchy (${stack.region})`,
        enableKeyRotation: true,
        rotationPeriod: Duration.days(rotationDays),
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        // With a policy given, aws-cdk-lib adds no default statement (no kms:* for the account root;
        // @aws-cdk/aws-kms:defaultKeyPolicies is always on in CDK v2).
        policy,
      });
      key.addAlias(`alias/${aliasPrefix}/${purpose.toLowerCase()}`);
      key.node.addValidation({
        validate: () => {
          const limit = PolicySizeLimit.KMS_KEY_POLICY;
          const bytes = limit.upperBoundOf(stack.resolve(policy), { region: Token.isUnresolved(stack.region) ? undefined : stack.region });
          return bytes > limit.maximum
            ? [
                `key policy of the ${purpose.toLowerCase()} key would be up to ${bytes} bytes (references counted at their longest); the AWS KMS limit is ${limit.maximum} bytes. ` +
                  'Allow an organization (aws:PrincipalOrgID) instead of listing accounts or roles one by one, or grant same-account roles through their identity policies',
              ]
            : [];
        },
      });
      this.keys.set(purpose, key);
      this.createdKeys.set(purpose, key);
    }

    this.dataKey = this.keyFor(KeyPurpose.DATA);
    this.secretsKey = this.keyFor(KeyPurpose.SECRETS);
    this.logsKey = this.keyFor(KeyPurpose.LOGS);
  }

  /** The key of the given purpose. */
  public keyFor(purpose: KeyPurpose): kms.IKey {
    const key = this.keys.get(purpose);
    if (key === undefined) {
      throw propError(this, 'purpose', `'${purpose}'`, `one of ${ALL_PURPOSES.join(', ')}`);
    }
    return key;
  }

  /** True when the key of the given purpose was imported by ARN (its key policy is not managed here). */
  public isImported(purpose: KeyPurpose): boolean {
    this.keyFor(purpose);
    return !this.createdKeys.has(purpose);
  }

  /**
   * Let the grantee encrypt with the key directly (kms:Encrypt, kms:ReEncryptFrom/To, kms:GenerateDataKey, kms:GenerateDataKeyWithoutPlaintext).
   *
   * For a created key both sides are granted: the grantee's identity policy and a key policy statement
   * naming exactly the grantee's principal. Throws for a wildcard grantee, for a service principal without
   * `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgID` (add it with `withConditions`), and for a grantee of another
   * stack whose ARN is known only at deploy time (it never falls back to the whole account). For an
   * imported key only the principal's policy is changed: the imported key's own policy must allow it.
   */
  public grantEncrypt(purpose: KeyPurpose, grantee: iam.IGrantable): iam.Grant {
    return this.grant(purpose, grantee, ENCRYPT_ACTIONS);
  }

  /**
   * Let the grantee decrypt with the key directly (kms:Decrypt). Same policy behaviour as `grantEncrypt`.
   */
  public grantDecrypt(purpose: KeyPurpose, grantee: iam.IGrantable): iam.Grant {
    return this.grant(purpose, grantee, DECRYPT_ACTIONS);
  }

  /**
   * Let the grantee encrypt and decrypt with the key directly. Same policy behaviour as `grantEncrypt`.
   */
  public grantEncryptDecrypt(purpose: KeyPurpose, grantee: iam.IGrantable): iam.Grant {
    return this.grant(purpose, grantee, [...DECRYPT_ACTIONS, ...ENCRYPT_ACTIONS]);
  }

  private grant(purpose: KeyPurpose, grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const key = this.keyFor(purpose);
    const created = this.createdKeys.get(purpose);
    if (created === undefined) {
      return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn] });
    }
    this.assertExactPrincipal(purpose, grantee);
    this.assertServiceScoped(purpose, grantee);
    this.assertPrincipalReferenceable(purpose, grantee);
    // Both sides, like aws-cdk-lib's Key.grant when the key policy does not trust the account: the
    // grantee's identity policy (where it has one) and a key policy statement that names exactly
    // the grantee's principal. kms.Key.grant() would only add to the principal's policy here (it
    // assumes the key policy trusts the account for every action); these key policies trust the
    // account only through services. Unlike aws-cdk-lib, a grantee whose stack cannot be named
    // never falls back to the account principal (that would open direct use to the whole account):
    // assertPrincipalReferenceable throws instead.
    return iam.Grant.addToPrincipalAndResource({
      grantee,
      actions,
      resource: created,
      resourceArns: [created.keyArn],
      resourceSelfArns: ['*'],
      resourcePolicyPrincipal: grantee.grantPrincipal,
    });
  }

  /**
   * A grant names one principal: a wildcard (`*`, `iam.AnyPrincipal`, `iam.OrganizationPrincipal`,
   * or an ARN with `*`) would open direct use of the key to everyone it matches.
   */
  private assertExactPrincipal(purpose: KeyPurpose, grantee: iam.IGrantable): void {
    const fragment = grantee.grantPrincipal.policyFragment.principalJson;
    const wildcards = Object.values(fragment)
      .flat()
      .filter((v) => !Token.isUnresolved(v) && v.includes('*'));
    if (wildcards.length > 0) {
      throw propError(
        this,
        'grantee',
        `a principal matching '${wildcards.join("', '")}' for the ${purpose.toLowerCase()} key`,
        'one exact principal (a role, a user, a service principal or an account)',
        'A grant names the principal in the key policy: a wildcard would let everyone it matches use the key directly',
      );
    }
  }

  /**
   * A service principal acts for the resources of every account: named alone in the key policy, the
   * service could use the key for another account's resource (confused deputy; red15 R15-5). It needs
   * `aws:SourceAccount` or `aws:SourceArn` (`principal.withConditions(...)`), which not every service
   * sends to KMS: the caller, who knows the service, adds it.
   */
  private assertServiceScoped(purpose: KeyPurpose, grantee: iam.IGrantable): void {
    const fragment = grantee.grantPrincipal.policyFragment;
    const services = fragment.principalJson.Service ?? [];
    if (services.length === 0) return;
    // Only a condition that pins the source narrows the service (red16 R16-9): a positive operator
    // (StringEquals, StringLike, ArnEquals, ArnLike; not negated, not IfExists) with literal values
    // and no wildcard or policy variable.
    const narrowing = Object.entries(fragment.conditions as Record<string, Record<string, unknown>>).some(
      ([operator, entries]) =>
        /^(StringEquals|StringLike|ArnEquals|ArnLike)$/.test(operator) &&
        Object.entries(entries ?? {}).some(([key, value]) => {
          if (!/^aws:Source(Account|Arn|OrgID)$/i.test(key)) return false;
          const values = ([] as unknown[]).concat(value);
          return values.length > 0 && values.every((v) => (typeof v === 'string' && !Token.isUnresolved(v) ? !/[*?]|\$\{/.test(v) : Token.isUnresolved(v)));
        }),
    );
    if (narrowing) return;
    throw propError(
      this,
      'grantee',
      `service principal ${services.map((v) => String(Stack.of(this).resolve(v))).join(', ')} for the ${purpose.toLowerCase()} key without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID pinned (StringEquals, StringLike, ArnEquals or ArnLike, literal values without wildcards)`,
      "the service principal with a condition naming this account or resource, e.g. new iam.ServicePrincipal('sns.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': this.account } }) (if the service sends it to KMS), or the purpose's service list (additional<Purpose>KeyServices, through kms:ViaService)",
      'A service principal alone would let the service use the key for any account',
    );
  }

  /**
   * A key policy can name a principal of another stack only by a literal ARN: a token would make the
   * key's stack depend on the grantee's stack while the grantee's policy depends on the key (a cycle).
   */
  private assertPrincipalReferenceable(purpose: KeyPurpose, grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal) || Stack.of(principal) === Stack.of(this)) {
      return;
    }
    const json = principal.policyFragment.principalJson;
    const unresolved = Object.values(json).some((values) => values.some((v) => Token.isUnresolved(v)));
    if (unresolved) {
      throw propError(
        this,
        'grantee',
        `'${principal.node.path}' of stack '${Stack.of(principal).stackName}' for the ${purpose.toLowerCase()} key, whose ARN is known only at deploy time`,
        `a principal of the key's stack '${Stack.of(this).stackName}', or a role imported by its literal ARN (iam.Role.fromRoleArn)`,
        'The key policy names the grantee: a deploy-time ARN of another stack would make the two stacks depend on each other',
      );
    }
  }

  private keyPolicyStatements(
    purpose: KeyPurpose,
    administrators: iam.IPrincipal[],
    administratorArns: string[] | undefined,
    extraServices: string[],
  ): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const viaService = (services: string[]) => services.map((s) => `${s}.${stack.region}.${stack.urlSuffix}`);
    const statements = [
      administratorArns === undefined
        ? new iam.PolicyStatement({
            sid: 'KeyAdministration',
            principals: administrators,
            actions: ADMIN_ACTIONS,
            resources: ['*'],
          })
        : // The administrators are named in a condition, not in Principal: KMS refuses a key policy whose
          // Principal names a role or user that does not exist (yet), "The principals in the key policy must
          // exist and be visible to KMS" (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html,
          // Policy parameter; same for PutKeyPolicy), while a condition value is a plain string KMS does not
          // resolve, so the admin roles and the CDK execution role may be created after the key. The
          // lockout safety check ("the key policy must allow the calling principal to make a subsequent
          // PutKeyPolicy request", same page) still passes because the caller, the execution role, matches
          // aws:PrincipalArn (an assumed-role session's aws:PrincipalArn is its role ARN); when it is not
          // listed, CreateKey / PutKeyPolicy fail at deploy time instead of leaving a key nobody manages.
          // Cost of the choice: a condition matches a name, not the role's unique id, so a role deleted and
          // recreated under the same name matches again. The permissions boundary must keep bounded
          // identities from deleting or creating roles of these names (see the README).
          new iam.PolicyStatement({
            sid: 'KeyAdministration',
            principals: [new iam.AccountRootPrincipal()],
            actions: ADMIN_ACTIONS,
            resources: ['*'],
            conditions: { ArnEquals: { 'aws:PrincipalArn': administratorArns } },
          }),
      new iam.PolicyStatement({
        sid: 'UseThroughAwsServicesOfThisAccount',
        principals: [new iam.AccountRootPrincipal()],
        actions: SERVICE_USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:ViaService': viaService([...DEFAULT_SERVICES[purpose], ...extraServices]),
            'kms:CallerAccount': stack.account,
          },
        },
      }),
    ];
    // No grant except those AWS services create for the resources they manage (CT.KMS.PR.3). None of
    // the hierarchy's own flows calls CreateGrant directly: CloudWatch Logs, CloudTrail, Kinesis, SQS,
    // SNS, S3 and Secrets Manager use the key through kms:ViaService with no grant; EBS, RDS, Lambda
    // (environment variables) and the like create their grants on the caller's behalf, where KMS sets
    // kms:GrantIsForAWSResource to true (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
    statements.push(KeyPolicyStatements.denyGrantsExceptForAwsResources());
    if (extraServices.length > 0) {
      // EBS, RDS and similar services create grants for the resources they manage.
      statements.push(
        new iam.PolicyStatement({
          sid: 'GrantsForAwsResourcesOfThisAccount',
          principals: [new iam.AccountRootPrincipal()],
          actions: SERVICE_GRANT_ACTIONS,
          resources: ['*'],
          conditions: {
            StringEquals: {
              'kms:ViaService': viaService(extraServices),
              'kms:CallerAccount': stack.account,
            },
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
          },
        }),
      );
    }
    if (purpose === KeyPurpose.LOGS) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'CloudWatchLogsForLogGroupsOfThisAccountAndRegion',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
          actions: LOGS_SERVICE_ACTIONS,
          resources: ['*'],
          conditions: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }
    return statements;
  }
}

const ALL_PURPOSES: KeyPurpose[] = [KeyPurpose.DATA, KeyPurpose.SECRETS, KeyPurpose.LOGS];

function capitalized(purpose: KeyPurpose): string {
  return purpose.charAt(0) + purpose.slice(1).toLowerCase();
}

function propNameOf(purpose: KeyPurpose): string {
  return `${purpose.toLowerCase()}Key`;
}

function servicesPropNameOf(purpose: KeyPurpose): string {
  return `additional${capitalized(purpose)}KeyServices`;
}

/**
 * `administrators` get PutKeyPolicy, ScheduleKeyDeletion and DisableKey on every created key: only IAM
 * principals of the stack's own account, named exactly (red15 R15-1: `AnyPrincipal`, another account's
 * root or a `role/*` pattern gave the keys away). The account is compared when both sides are literal;
 * a principal whose ARN is a token (a role of this app, `AccountRootPrincipal`) is not checked.
 */
function validateAdministratorPrincipals(scope: Construct, principals: iam.IPrincipal[]): void {
  const stack = Stack.of(scope);
  const expected = `IAM roles, users or the account root of the stack's account${Token.isUnresolved(stack.account) ? '' : ` ${stack.account}`}, named exactly (no wildcard, no service, federated or organization principal)`;
  principals.forEach((principal, i) => {
    const fragment = principal.policyFragment;
    const kinds = Object.keys(fragment.principalJson).filter((k) => k !== 'AWS');
    if (kinds.length > 0 || Object.keys(fragment.conditions).length > 0) {
      throw propError(
        scope,
        `administrators[${i}]`,
        `a principal of kind ${[...kinds, ...Object.keys(fragment.conditions).map((c) => `with condition ${c}`)].join(', ')}`,
        expected,
      );
    }
    for (const value of fragment.principalJson.AWS ?? []) {
      const text = renderedArn(stack.resolve(value));
      if (text.includes('*') || text.includes('?')) throw propError(scope, `administrators[${i}]`, `'${text}'`, expected);
      // A role session is no administrator: it expires, and its account was not checked (red16 R16-8).
      if (/^arn:[^:]*:sts::/.test(text)) throw propError(scope, `administrators[${i}]`, `'${text}', an STS session ARN`, expected);
      const account = /^arn:[^:]*:iam::(\d{12}):/.exec(text)?.[1] ?? (/^\d{12}$/.test(text) ? text : undefined);
      if (account !== undefined && !Token.isUnresolved(stack.account) && account !== stack.account) {
        throw propError(scope, `administrators[${i}]`, `'${text}' of account ${account}`, expected);
      }
    }
  });
}

/** A resolved principal ARN as text, with `{TOKEN}` for each part CloudFormation fills in (`Fn::Join` of strings and references). */
function renderedArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join !== undefined) return join[1].map((part) => (typeof part === 'string' ? part : '{TOKEN}')).join(join[0]);
  return '{TOKEN}';
}
