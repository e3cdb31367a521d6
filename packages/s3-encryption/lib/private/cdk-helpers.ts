import { MinimumTls } from '@cdk-guardrails/facts';
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { propError } from './errors';
import { StatementJson } from './statements';

/**
 * Add `statements` to the policy of a bucket this app manages, or throw naming `owner` when the bucket
 * is imported (CloudFormation would replace the whole existing policy of an imported bucket, so the
 * statements must be merged by hand: `fix` says how).
 */
export function addToManagedBucketPolicy(owner: string, bucket: s3.IBucket, statements: iam.PolicyStatement[], fix: string): void {
  for (const statement of statements) {
    if (!bucket.addToResourcePolicy(statement).statementAdded) {
      throw propError(
        owner,
        'bucket',
        `imported bucket ${bucket.node.path}`,
        'a bucket whose policy this app manages (CloudFormation would replace the whole existing policy of an imported bucket)',
        fix,
      );
    }
  }
}

/** Convert a statement of the shared builder into a CDK PolicyStatement. */
export function toPolicyStatement(json: StatementJson): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: json.Sid,
    effect: iam.Effect.DENY,
    principals: [new iam.StarPrincipal()],
    actions: ([] as string[]).concat(json.Action),
    resources: ([] as string[]).concat(json.Resource),
    conditions: json.Condition,
  });
}

/** Throw unless `version` is undefined, a token, or one of the allowed TLS versions; `owner` leads the error (a construct path or a class name). */
export function validateMinimumTlsVersion(owner: string, version: number | undefined): void {
  if (version === undefined || Token.isUnresolved(version)) {
    return;
  }
  if (!MinimumTls.S3_ALLOWED_VERSIONS.includes(version)) {
    throw propError(owner, 'minimumTlsVersion', `${version}`, `one of ${MinimumTls.S3_ALLOWED_VERSIONS.join(', ')}`);
  }
}

/** The L2 bucket whose default child this CfnBucket is, if any. */
export function owningL2Bucket(cfnBucket: s3.CfnBucket): s3.Bucket | undefined {
  const parent = cfnBucket.node.scope;
  if (parent instanceof s3.Bucket && parent.node.defaultChild === cfnBucket) {
    return parent;
  }
  return undefined;
}

/** Every AWS::S3::BucketPolicy of the stack that names this bucket. */
export function bucketPolicies(cfnBucket: s3.CfnBucket, stack: Stack): s3.CfnBucketPolicy[] {
  const byRef = JSON.stringify({ Ref: stack.getLogicalId(cfnBucket) });
  const name = cfnBucket.bucketName;
  return stack.node
    .findAll()
    .filter((c): c is s3.CfnBucketPolicy => c instanceof s3.CfnBucketPolicy)
    .filter((p) => {
      const target = stack.resolve(p.bucket);
      return JSON.stringify(target) === byRef || (name !== undefined && !Token.isUnresolved(name) && target === name);
    });
}
