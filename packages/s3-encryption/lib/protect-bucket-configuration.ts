import { Annotations, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { addToManagedBucketPolicy, bucketPolicies, owningL2Bucket, toPolicyStatement } from './private/cdk-helpers';
import { PolicyDocumentJson, statementsOf } from './private/policy-analysis';
import { validateAdministratorArns } from './private/administrators';
import { propError } from './private/errors';
import { administratorArnAccount, ALL_PROTECTION_SIDS, protectionStatements } from './private/protection-statements';

/** Properties of a ProtectBucketConfiguration. */
export interface ProtectBucketConfigurationProps {
  /**
   * Exact ARNs of the IAM roles or users of the bucket's account that may still change the bucket's
   * configuration and bypass Object Lock: the CloudFormation execution role that deploys the
   * bucket's stack (otherwise later stack updates of the bucket fail) and named admin roles.
   * Matched with `aws:PrincipalArn`, so an assumed-role session matches its role ARN. No wildcards.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
   */
  readonly administratorArns: string[];
}

const WARNING_PREFIX = '@cdk-guardrails/s3-encryption:';

/** The CDK bootstrap CloudFormation execution role name (cdk-<qualifier>-cfn-exec-role-<account>-<region>). */
const CDK_EXECUTION_ROLE_ARN = /:role\/cdk-[A-Za-z0-9_-]{1,10}-cfn-exec-role-\d{12}-[a-z0-9-]+$/;

/**
 * aws-cdk-lib custom resources whose Lambda role changes a bucket's configuration at deploy time:
 * with the protection on they would be refused (their role is no administrator, and must not be
 * one: a bounded admin could run code as that role by updating the function).
 */
const CONFIGURATION_CHANGING_CUSTOM_RESOURCES: Record<string, string> = {
  'Custom::S3BucketNotifications': 's3:PutBucketNotification (event notifications)',
  'Custom::S3AutoDeleteObjects': 's3:PutBucketPolicy (autoDeleteObjects)',
};

/**
 * An opt-in Aspect that makes the configuration of every S3 bucket in a scope changeable only by
 * named administrators, so that an admin of the account (even one whose identity policy allows
 * `*`) cannot switch the bucket's guardrails off.
 *
 * It visits every `AWS::S3::Bucket` (L2 `s3.Bucket`s and raw `CfnBucket`s) and adds to the bucket's
 * policy three `Deny` statements for every principal except `administratorArns`
 * (`ArnNotEquals aws:PrincipalArn`):
 * - `DenyBucketConfigurationChanges`: PutBucketPolicy, DeleteBucketPolicy, PutBucketVersioning,
 *   PutLifecycleConfiguration, PutReplicationConfiguration, PutBucketObjectLockConfiguration,
 *   PutBucketLogging, PutEncryptionConfiguration, PutBucketPublicAccessBlock,
 *   PutBucketOwnershipControls, PutBucketAcl, PutBucketNotification, PutInventoryConfiguration,
 *   PutAnalyticsConfiguration, PutBucketCORS, PutBucketWebsite, PutBucketRequestPayment,
 *   PutBucketTagging, PutBucketAbac, PutIntelligentTieringConfiguration, the bucket metadata table
 *   configurations (create, delete, update), DeleteBucket;
 * - `DenyObjectLockBypass`: s3:BypassGovernanceRetention on the objects;
 * - `DenyLegalHoldRemoval`: s3:PutObjectLegalHold that turns a legal hold OFF.
 *
 * Object reads and writes (PutObject by writers, CloudTrail, Config, log delivery, replication)
 * are not affected. A bucket it cannot protect gets an error annotation (synth fails): a raw
 * `CfnBucket` without an `AWS::S3::BucketPolicy` in its stack (a policy created here would replace
 * one managed outside CloudFormation), a policy given as a token, more than one policy, a bucket of
 * another account than the administrators, or a bucket changed by aws-cdk-lib's notification or
 * auto-delete custom resources.
 *
 * @example
 * Aspects.of(app).add(new ProtectBucketConfiguration({
 *   administratorArns: [cfnExecRoleArn, 'arn:aws:iam::111111111111:role/log-admin'],
 * }));
 */
export class ProtectBucketConfiguration implements IAspect {
  /**
   * The protecting statements for the bucket with this ARN (a literal ARN or a token), for example
   * to put them into a bucket policy that is managed elsewhere.
   *
   * @param bucketArn the bucket ARN
   * @param administratorArns exact role or user ARNs exempt from the statements
   */
  public static statementsForBucketArn(bucketArn: string, administratorArns: string[]): iam.PolicyStatement[] {
    validateAdministratorArns('ProtectBucketConfiguration.statementsForBucketArn', administratorArns);
    return protectionStatements(bucketArn, administratorArns).map(toPolicyStatement);
  }

  /** The exempt administrator ARNs. */
  public readonly administratorArns: string[];

  constructor(props: ProtectBucketConfigurationProps) {
    validateAdministratorArns('ProtectBucketConfiguration', props?.administratorArns);
    this.administratorArns = [...props.administratorArns];
  }

  /**
   * Protect one bucket now: add the statements to its policy (creating the policy if needed).
   *
   * Throws for an imported bucket, whose policy CloudFormation does not manage, and for a bucket of
   * another account than the administrators.
   */
  public applyTo(bucket: s3.IBucket): void {
    const problem = this.accountProblem(bucket.node.path, Stack.of(bucket));
    if (problem) {
      throw propError('ProtectBucketConfiguration.applyTo', 'administratorArns', problem.received, problem.expected);
    }
    addToManagedBucketPolicy(
      'ProtectBucketConfiguration.applyTo',
      bucket,
      ProtectBucketConfiguration.statementsForBucketArn(bucket.bucketArn, this.administratorArns),
      'Merge the statements of ProtectBucketConfiguration.statementsForBucketArn into its policy instead',
    );
    bucket.node.addValidation({ validate: () => configurationChangingCustomResources(bucket) });
  }

  /** Protect `node` if it is an `AWS::S3::Bucket`, or add an error annotation saying why it cannot be. */
  public visit(node: IConstruct): void {
    if (!(node instanceof s3.CfnBucket)) {
      return;
    }
    const cfnBucket = node;
    const stack = Stack.of(cfnBucket);
    const l2 = owningL2Bucket(cfnBucket);
    const path = (l2 ?? cfnBucket).node.path;
    const problems: string[] = [];
    const fail = () => Annotations.of(cfnBucket).addError(`ProtectBucketConfiguration: bucket ${path} cannot be protected: ${problems.join('; ')}`);

    const accountProblem = this.accountProblem(path, stack);
    if (accountProblem) {
      problems.push(`administratorArns: received ${accountProblem.received}; expected ${accountProblem.expected}`);
    }
    if (l2) {
      problems.push(...configurationChangingCustomResources(l2));
    }
    const policies = bucketPolicies(cfnBucket, stack);
    if (policies.length > 1) {
      problems.push(
        `it has ${policies.length} AWS::S3::BucketPolicy resources (${policies.map((p) => p.node.path).join(', ')}); a bucket has one policy and each would replace the other`,
      );
    }
    if (problems.length > 0) {
      fail();
      return;
    }

    const existing = policies[0];
    const bucketArn = l2 ? l2.bucketArn : cfnBucket.attrArn;
    const expected = protectionStatements(bucketArn, this.administratorArns);
    const current: PolicyDocumentJson | undefined = existing ? stack.resolve(existing.policyDocument) : undefined;
    const present = statementsOf(current).filter((s) => ALL_PROTECTION_SIDS.includes(s?.Sid));
    if (present.length > 0) {
      // Applied before (applyTo, or this Aspect added twice): fine if identical, a conflict otherwise.
      if (
        !sameStatements(
          present,
          expected.map((s) => stack.resolve(toPolicyStatement(s).toStatementJson())),
        )
      ) {
        problems.push(
          `its policy already holds ${present.map((s) => s.Sid).join(', ')} with other actions or administrators; protect a bucket with one administrator list only`,
        );
        fail();
      }
      return;
    }

    if (l2 && (existing === undefined || l2.policy?.node.defaultChild === existing)) {
      for (const st of expected) l2.addToResourcePolicy(toPolicyStatement(st));
    } else if (existing === undefined) {
      problems.push(
        'it is a raw CfnBucket without an AWS::S3::BucketPolicy in its stack, and a policy created here would replace ' +
          'any policy managed outside CloudFormation; give it an AWS::S3::BucketPolicy (or use s3.Bucket), or run BucketEncryptionGuard (FIX) first',
      );
    } else if (existing.policyDocument instanceof iam.PolicyDocument) {
      existing.policyDocument.addStatements(...expected.map(toPolicyStatement));
    } else if (existing.policyDocument !== undefined && !Token.isUnresolved(existing.policyDocument) && typeof existing.policyDocument === 'object') {
      // A raw JSON document: keep every existing statement and append ours.
      const doc = existing.policyDocument as PolicyDocumentJson;
      existing.policyDocument = { ...doc, Version: doc.Version ?? '2012-10-17', Statement: [...statementsOf(doc), ...expected] };
    } else {
      problems.push(
        `its bucket policy ${existing.node.path} is a token that cannot be extended; add the statements of ProtectBucketConfiguration.statementsForBucketArn yourself`,
      );
    }
    if (problems.length > 0) {
      fail();
      return;
    }

    const deployerListed = this.administratorArns.some((arn) => Token.isUnresolved(arn) || CDK_EXECUTION_ROLE_ARN.test(arn));
    if (!deployerListed) {
      Annotations.of(cfnBucket).addWarningV2(
        `${WARNING_PREFIX}protectionWithoutDeployer`,
        `${path}: administratorArns names no CDK CloudFormation execution role (role/cdk-<qualifier>-cfn-exec-role-<account>-<region>); ` +
          "unless the role that deploys this stack is listed, later updates of this bucket's policy and configuration will be denied",
      );
    }
    Annotations.of(cfnBucket).addInfo(
      `ProtectBucketConfiguration protected bucket ${path}: ` +
        `added ${expected.map((s) => s.Sid).join(', ')} (configuration changes only by ${this.administratorArns.length} administrator ARN(s))`,
    );
  }

  /** An error message if an administrator ARN is of another account than the bucket's stack (both known at synth). */
  private accountProblem(path: string, stack: Stack): { received: string; expected: string } | undefined {
    if (Token.isUnresolved(stack.account)) {
      return undefined;
    }
    const foreign = this.administratorArns.filter((arn) => !Token.isUnresolved(arn) && administratorArnAccount(arn) !== stack.account);
    if (foreign.length === 0) {
      return undefined;
    }
    return {
      received: `${foreign.map((a) => `'${a}'`).join(', ')} for bucket ${path} of account ${stack.account}`,
      expected: "roles or users of the bucket's account (only identities of the bucket owner's account can change a bucket's configuration)",
    };
  }
}

/** Errors for aws-cdk-lib custom resources under the bucket that change its configuration at deploy time. */
function configurationChangingCustomResources(bucket: IConstruct): string[] {
  return bucket.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType in CONFIGURATION_CHANGING_CUSTOM_RESOURCES)
    .map(
      (c) =>
        `${c.node.path} (${c.cfnResourceType}) calls ${CONFIGURATION_CHANGING_CUSTOM_RESOURCES[c.cfnResourceType]} with a Lambda role ` +
        'that DenyBucketConfigurationChanges refuses; remove that feature from a protected bucket (exempting the Lambda role would let ' +
        'anyone who can update the function change the bucket)',
    );
}

/** True if the statements hold the same Sids, actions, resources and conditions (order of values ignored). */
function sameStatements(actual: any[], expected: any[]): boolean {
  const key = (s: any) =>
    JSON.stringify(canonical({ Sid: s.Sid, Action: [].concat(s.Action).sort(), Resource: [].concat(s.Resource), Condition: s.Condition }));
  const a = actual.map(key).sort();
  const e = expected.map(key).sort();
  return a.length === e.length && a.every((k, i) => k === e[i]);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as any)[k])]),
    );
  }
  return v;
}
