import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateAdministratorArns } from './private/administrators';
import { addToManagedBucketPolicy } from './private/cdk-helpers';
import { propError } from './private/errors';

/** Properties of a ProtectLogObjects. */
export interface ProtectLogObjectsProps {
  /**
   * Exact ARNs of the IAM roles or users of the bucket's account that may still write, re-tag or
   * delete objects (for example break-glass and a log administrator). No wildcards: matched with
   * `ArnNotEquals aws:PrincipalArn`, so an assumed-role session matches its role ARN.
   */
  readonly administratorArns: string[];

  /**
   * IAM roles that write the objects legitimately, as exact ARNs or references (for example
   * `recorder.role.roleArn` of an AWS Config recorder that delivers with its own role). AWS
   * service principals that deliver as themselves (CloudTrail, AWS Config with a bucket policy
   * grant, S3 server access logging) need no entry: they are never denied.
   *
   * @default - only AWS service principals and the administrators write
   */
  readonly writerArns?: string[];

  /**
   * Exact ARNs of the roles S3 replicates into this bucket with (replication destinations). They
   * are exempt from the object statement (replication writes with `s3:Replicate*`), and a second
   * statement names them as the only replicators: nobody can set up replication from a bucket of
   * their own, with a role of their own, to plant objects here.
   *
   * @default - nobody but the administrators replicates into the bucket
   */
  readonly replicationWriterArns?: string[];
}

const LOG_OBJECT_WRITE_ACTIONS: readonly string[] = [
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  // Replication from a bucket of one's own (with a role of one's own) would copy a forged file over
  // a real key, or a delete marker that hides it: only the named replication roles may replicate in.
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  's3:ObjectOwnerOverrideToBucketOwner',
];

/**
 * Makes a log bucket's objects writable only by the AWS services that deliver them (and named
 * writer roles), and deletable by nobody but named administrators, whatever the identity policies
 * of the account allow: an administrator of the account inside its permissions boundary can no
 * longer plant a forged CloudTrail log file or Config snapshot, nor hide or delete one.
 *
 * One bucket-policy statement, `Deny` of LOG_OBJECT_WRITE_ACTIONS on the bucket's objects to every
 * principal whose `aws:PrincipalArn` is neither an administrator nor a writer, unless the caller
 * is an AWS service principal (`BoolIfExists aws:PrincipalIsAWSService false`: only AWS sets that
 * key to true, for a service acting as itself; a role of the account, a session a service uses on
 * a caller's behalf, and a user are all `false`). S3 Lifecycle expiration is not a request and is
 * not affected.
 *
 * Apply it to the buckets that hold evidence (trail, AWS Config delivery), never to a bucket
 * workloads write into.
 */
export class ProtectLogObjects {
  /** Statement id of the protection. */
  public static readonly SID: string = 'DenyLogObjectChangesExceptServices';

  /**
   * The object-level calls that forge, hide or destroy evidence in a log bucket: writing or
   * overwriting an object (a forged CloudTrail log file or Config snapshot under `AWSLogs/`),
   * changing its ACL or tags, and deleting objects, versions or tags (a delete marker hides a file;
   * deleting a version removes it where no Object Lock retention holds), and replicating into the
   * bucket (`s3:Replicate*`; only `replicationWriterArns` may). Reading is not listed.
   */
  public static readonly ACTIONS: string[] = [...LOG_OBJECT_WRITE_ACTIONS];

  /**
   * The protecting statement for the bucket with this ARN, for example to merge into a bucket
   * policy managed elsewhere.
   *
   * @param bucketArn the bucket ARN (a literal or a token)
   * @param props the administrators and writers
   */
  public static statementForBucketArn(bucketArn: string, props: ProtectLogObjectsProps): iam.PolicyStatement {
    validateProps('ProtectLogObjects.statementForBucketArn', props);
    const writers = props.writerArns ?? [];
    return new iam.PolicyStatement({
      sid: ProtectLogObjects.SID,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [...LOG_OBJECT_WRITE_ACTIONS],
      resources: [`${bucketArn}/*`],
      conditions: {
        ArnNotEquals: { 'aws:PrincipalArn': [...new Set([...props.administratorArns, ...writers, ...(props.replicationWriterArns ?? [])])] },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  }

  /** Statement id of the replication protection. */
  public static readonly REPLICATION_SID: string = 'DenyReplicationExceptNamedRoles';

  /**
   * The replication statement for the bucket with this ARN (only with `replicationWriterArns`).
   *
   * @param bucketArn the bucket ARN (a literal or a token)
   * @param props the administrators and replication writers
   */
  public static replicationStatementForBucketArn(bucketArn: string, props: ProtectLogObjectsProps): iam.PolicyStatement | undefined {
    validateProps('ProtectLogObjects.replicationStatementForBucketArn', props);
    const writers = props.replicationWriterArns;
    if (writers === undefined) return undefined;
    return new iam.PolicyStatement({
      sid: ProtectLogObjects.REPLICATION_SID,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [`${bucketArn}/*`],
      conditions: {
        ArnNotEquals: { 'aws:PrincipalArn': [...new Set([...props.administratorArns, ...writers])] },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  }

  private readonly props: ProtectLogObjectsProps;

  constructor(props: ProtectLogObjectsProps) {
    // Validates now: a mistake fails where it is made, not when a bucket is protected.
    validateProps('ProtectLogObjects', props);
    this.props = {
      administratorArns: [...props.administratorArns],
      writerArns: props.writerArns ? [...props.writerArns] : undefined,
      replicationWriterArns: props.replicationWriterArns ? [...props.replicationWriterArns] : undefined,
    };
  }

  /**
   * Add the statement to the bucket's policy (creating it if needed). Throws for an imported
   * bucket, whose policy CloudFormation does not manage.
   */
  public applyTo(bucket: s3.IBucket): void {
    const statements = [
      ProtectLogObjects.statementForBucketArn(bucket.bucketArn, this.props),
      ProtectLogObjects.replicationStatementForBucketArn(bucket.bucketArn, this.props),
    ].filter((s): s is iam.PolicyStatement => s !== undefined);
    addToManagedBucketPolicy(
      'ProtectLogObjects.applyTo',
      bucket,
      statements,
      'Merge ProtectLogObjects.statementForBucketArn (and replicationStatementForBucketArn) into its policy instead',
    );
  }
}

const WRITER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Checks the administrators and both writer lists; `where` (the class, or `Class.method`) leads the errors. */
function validateProps(where: string, props: ProtectLogObjectsProps): void {
  validateAdministratorArns(where, props?.administratorArns);
  (props.writerArns ?? []).forEach((arn, i) => {
    if (!Token.isUnresolved(arn) && !WRITER_ARN.test(arn)) {
      throw propError(
        where,
        `writerArns[${i}]`,
        `'${arn}'`,
        'an exact IAM role ARN (arn:<partition>:iam::<account-id>:role/<name>, ' +
          'no wildcard: a pattern would let every role created under a matching name write) or a reference such as role.roleArn',
      );
    }
  });
  const replicationWriters = props.replicationWriterArns;
  if (replicationWriters === undefined) return;
  if (replicationWriters.length === 0) {
    throw propError(where, 'replicationWriterArns', 'an empty list', 'the exact ARNs of the replication roles, or no replicationWriterArns at all');
  }
  replicationWriters.forEach((arn, i) => {
    if (!Token.isUnresolved(arn) && !WRITER_ARN.test(arn)) {
      throw propError(where, `replicationWriterArns[${i}]`, `'${arn}'`, 'an exact IAM role ARN (arn:<partition>:iam::<account-id>:role/<name>, no wildcard)');
    }
  });
}
