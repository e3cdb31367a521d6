import { KmsKeyArn } from '@cdk-guardrails/facts';
import { Annotations, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { EncryptionMode } from './encryption-mode';
import { bucketPolicies, owningL2Bucket, toPolicyStatement, validateMinimumTlsVersion } from './private/cdk-helpers';
import { propError } from './private/errors';
import { requireKeyBesideBucket } from './private/key-environment';
import { deniesPutsWithoutEncryptionHeader, missingStatements, PolicyDocumentJson, serviceWriters, statementsOf } from './private/policy-analysis';
import { DSSE_KMS_ALGORITHM, enforcingStatements, isKmsAlgorithm, SSE_KMS_ALGORITHM, SSE_S3_ALGORITHM, StatementJson } from './private/statements';

/** What the guard does with a bucket that is not encrypted and enforced. */
export enum GuardMode {
  /** Add what is missing (default encryption, enforcing statements) and say what was added (info annotations). */
  FIX = 'FIX',
  /** Change nothing; add an error annotation naming the bucket's construct path and what is missing (synth fails). */
  REPORT = 'REPORT',
}

/** Properties of a BucketEncryptionGuard. */
export interface BucketEncryptionGuardProps {
  /** Fix buckets, or report them as errors. */
  readonly mode: GuardMode;

  /**
   * The encryption given to a bucket that has no default encryption (FIX), or named as the
   * expected one (REPORT). A bucket whose encryption the user set keeps it: the guard enforces
   * the bucket's own setting and never changes it (it never turns SSE-KMS into SSE-S3 nor
   * replaces a key); it only warns when the setting differs from this one.
   */
  readonly encryption: EncryptionMode;

  /**
   * Also require this minimum TLS version (1.2 or 1.3).
   *
   * @default - no TLS-version statement (plain HTTP is always denied)
   */
  readonly minimumTlsVersion?: number;

  /**
   * With `encryption` SSE-KMS: also move buckets whose default encryption is SSE-S3 to SSE-KMS
   * with the guard's key (a strengthening, never a weakening). Without it, a bucket whose owner chose
   * SSE-S3 keeps it (with a warning). (A bucket that sets no encryption at all gets the guard's
   * `encryption` in any case.) Readers and writers then need the key: grants made through an `s3.Bucket` before do not include it.
   * In REPORT mode such buckets are reported as errors.
   *
   * @default false
   */
  readonly upgradeSseS3ToKms?: boolean;
}

const WARNING_PREFIX = '@cdk-guardrails/s3-encryption:';

interface BucketEncryptionSetting {
  readonly algorithm: string;
  readonly kmsMasterKeyId?: string;
}

/**
 * An opt-in Aspect that visits every `AWS::S3::Bucket` in a scope (L2 `s3.Bucket`s and raw
 * `CfnBucket`s) and makes sure each one has default encryption and a bucket policy with the
 * `BucketEncryptionPolicy` statements.
 *
 * - `GuardMode.FIX`: adds missing default encryption and missing statements (to the bucket's
 *   existing policy, or a new `AWS::S3::BucketPolicy`), and adds an info annotation saying what it changed.
 * - `GuardMode.REPORT`: changes nothing and adds an error annotation with the construct path.
 *
 * It never weakens a setting: it keeps the encryption and key the user set, never removes or
 * rewrites a statement, and only adds. Buckets that AWS services write to without SSE headers
 * (a policy allowing a service principal `s3:PutObject`, such as server access log delivery) get
 * only the transport statements, with a warning.
 *
 * @example
 * Aspects.of(app).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseS3() }));
 */
export class BucketEncryptionGuard implements IAspect {
  private readonly mode: GuardMode;
  private readonly encryption: EncryptionMode;
  private readonly minimumTlsVersion?: number;
  private readonly upgradeSseS3ToKms: boolean;

  constructor(props: BucketEncryptionGuardProps) {
    if (props.mode !== GuardMode.FIX && props.mode !== GuardMode.REPORT) {
      throw propError('BucketEncryptionGuard', 'mode', String(props.mode), 'GuardMode.FIX or GuardMode.REPORT');
    }
    if (!(props.encryption instanceof EncryptionMode)) {
      throw propError(
        'BucketEncryptionGuard',
        'encryption',
        String(props.encryption),
        'an EncryptionMode: EncryptionMode.sseS3() or EncryptionMode.sseKms(key)',
      );
    }
    validateMinimumTlsVersion('BucketEncryptionGuard', props.minimumTlsVersion);
    this.mode = props.mode;
    this.encryption = props.encryption;
    this.minimumTlsVersion = props.minimumTlsVersion;
    this.upgradeSseS3ToKms = props.upgradeSseS3ToKms ?? false;
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof s3.CfnBucket)) {
      return;
    }
    const cfnBucket = node;
    const stack = Stack.of(cfnBucket);
    const l2 = owningL2Bucket(cfnBucket);
    const changes: string[] = [];
    const problems: string[] = [];
    const warn = (id: string, message: string) => Annotations.of(cfnBucket).addWarningV2(`${WARNING_PREFIX}${id}`, message);

    // 1. Default encryption: keep the user's, fill the gap otherwise.
    let setting = readEncryption(cfnBucket, stack);
    if (setting === 'unreadable') {
      problems.push('its BucketEncryption is an unresolvable token, so the guard cannot check it');
      this.finish(cfnBucket, changes, problems);
      return;
    }
    if (setting === undefined) {
      requireGuardKeyBesideBucket(this.encryption, cfnBucket, stack);
      if (this.mode === GuardMode.FIX) {
        cfnBucket.bucketEncryption = encryptionProperty(this.encryption);
        setting = { algorithm: this.encryption.algorithm, kmsMasterKeyId: this.encryption.key?.keyArn };
        changes.push(`added default encryption ${this.encryption}${this.encryption.isKms ? ' with S3 Bucket Keys' : ''}`);
        if (this.encryption.isKms && l2) {
          warn(
            'guardKmsGrants',
            `${cfnBucket.node.path}: encryption was added by BucketEncryptionGuard, so grants made through this bucket do not include the KMS key; grant the key (kms:GenerateDataKey, kms:Decrypt) to its writers and readers, or use EncryptedBucket`,
          );
        }
      } else {
        problems.push(`it has no default encryption (expected ${this.encryption})`);
        setting = { algorithm: this.encryption.algorithm, kmsMasterKeyId: this.encryption.key?.keyArn };
      }
    } else if (
      this.upgradeSseS3ToKms &&
      this.encryption.isKms &&
      setting.algorithm === SSE_S3_ALGORITHM &&
      !(cfnBucket.node.scope instanceof AccessLogBucket)
    ) {
      requireGuardKeyBesideBucket(this.encryption, cfnBucket, stack);
      if (this.mode === GuardMode.FIX) {
        cfnBucket.bucketEncryption = encryptionProperty(this.encryption);
        setting = { algorithm: this.encryption.algorithm, kmsMasterKeyId: this.encryption.key?.keyArn };
        changes.push('upgraded default encryption from SSE-S3 to SSE-KMS with S3 Bucket Keys (upgradeSseS3ToKms)');
        if (l2) {
          warn(
            'guardKmsGrants',
            `${cfnBucket.node.path}: encryption was upgraded by BucketEncryptionGuard, so grants made through this bucket do not include the KMS key; grant the key (kms:GenerateDataKey, kms:Decrypt) to its writers and readers, or use EncryptedBucket`,
          );
        }
      } else {
        problems.push(`its default encryption is SSE-S3, expected ${this.encryption} (upgradeSseS3ToKms)`);
      }
    } else if (setting.algorithm !== this.encryption.algorithm) {
      // Kept either way; a warning only where the kept encryption is weaker than asked (SSE-S3 under
      // an SSE-KMS guard). A KMS bucket under an SSE-S3 guard is stronger: noted, not a warning
      // (a `cdk synth --strict` pipeline would otherwise have to acknowledge our own log buckets).
      // An AccessLogBucket is SSE-S3 because log delivery supports nothing else: never upgraded, not a warning.
      const weaker = setting.algorithm === SSE_S3_ALGORITHM && this.encryption.isKms && !(cfnBucket.node.scope instanceof AccessLogBucket);
      const message = `${cfnBucket.node.path}: keeps the encryption its owner set (${describe(setting.algorithm)}) although the guard asks for ${this.encryption}; the guard never changes an encryption setting, it enforces the bucket's own`;
      if (weaker) warn('guardKeptUserEncryption', message);
      else Annotations.of(cfnBucket).addInfo(message);
    }

    // 2. The key to pin: only a key ARN can be pinned.
    let kmsKeyArn: string | undefined;
    if (isKmsAlgorithm(setting.algorithm)) {
      kmsKeyArn = pinnableKeyArn(setting.kmsMasterKeyId, stack);
      if (kmsKeyArn === undefined) {
        warn(
          'guardKeyNotPinned',
          `${cfnBucket.node.path}: SSE-KMS key ${setting.kmsMasterKeyId === undefined ? '(the AWS managed key aws/s3)' : `'${JSON.stringify(stack.resolve(setting.kmsMasterKeyId))}'`} is not given as a key ARN, so the policy cannot pin it; set KMSMasterKeyID to the key ARN`,
        );
      }
    }

    // 3. Enforcing statements.
    const bucketArn = l2 ? l2.bucketArn : cfnBucket.attrArn;
    const policies = bucketPolicies(cfnBucket, stack);
    if (policies.length > 1) {
      problems.push(
        `it has ${policies.length} AWS::S3::BucketPolicy resources (${policies.map((p) => p.node.path).join(', ')}); a bucket has one policy and each would replace the other`,
      );
      this.finish(cfnBucket, changes, problems);
      return;
    }
    const existingPolicy = policies[0];
    const currentDoc: PolicyDocumentJson | undefined = existingPolicy ? stack.resolve(existingPolicy.policyDocument) : undefined;
    const writers = serviceWriters(currentDoc);
    if (writers.length > 0) {
      const message = `${cfnBucket.node.path}: its policy lets ${writers.join(', ')} put objects; not every AWS service sends SSE request headers when it delivers (AWS Config without a key does not; CloudTrail with SSE-KMS does), so the guard adds only the transport statements and leaves the encryption statements to the bucket's owner (the default encryption still encrypts every object)`;
      // A warning only where nobody enforces the headers: a bucket whose own policy already denies
      // PUTs without them (an EncryptedBucket with its delivery exemptions) needs nothing more.
      if (deniesPutsWithoutEncryptionHeader(currentDoc))
        Annotations.of(cfnBucket).addInfo(`${message}; its own policy already denies PUTs without an encryption header`);
      // An AccessLogBucket is built for header-less delivery (SSE-S3, log delivery only): nothing to warn about.
      else if (cfnBucket.node.scope instanceof AccessLogBucket) Annotations.of(cfnBucket).addInfo(`${message}; it is an AccessLogBucket`);
      else warn('guardServiceWriters', message);
    }
    const expected = enforcingStatements(bucketArn, {
      algorithm: setting.algorithm,
      kmsKeyArn,
      minimumTlsVersion: this.minimumTlsVersion,
      transportOnly: writers.length > 0,
    });
    const missing = missingStatements(
      currentDoc,
      expected.map((s) => stack.resolve(s)),
    ).map((resolved) => expected.find((s) => s.Sid === resolved.Sid)!);
    if (missing.length > 0) {
      const sids = missing.map((s) => s.Sid).join(', ');
      if (this.mode === GuardMode.REPORT) {
        problems.push(`its bucket policy does not contain ${sids}`);
      } else {
        const added = addStatements(cfnBucket, l2, existingPolicy, missing);
        if (added) {
          changes.push(`added bucket policy statements ${sids}`);
        } else {
          problems.push(`its bucket policy ${existingPolicy.node.path} is a token that the guard cannot extend; add ${sids} (BucketEncryptionPolicy) yourself`);
        }
      }
    }
    this.finish(cfnBucket, changes, problems);
  }

  private finish(cfnBucket: s3.CfnBucket, changes: string[], problems: string[]): void {
    if (changes.length > 0) {
      Annotations.of(cfnBucket).addInfo(`BucketEncryptionGuard changed bucket ${cfnBucket.node.path}: ${changes.join('; ')}`);
    }
    if (problems.length > 0) {
      Annotations.of(cfnBucket).addError(`BucketEncryptionGuard: bucket ${cfnBucket.node.path} is not compliant: ${problems.join('; ')}`);
    }
  }
}

function describe(algorithm: string): string {
  switch (algorithm) {
    case SSE_S3_ALGORITHM:
      return 'SSE-S3';
    case SSE_KMS_ALGORITHM:
      return 'SSE-KMS';
    case DSSE_KMS_ALGORITHM:
      return 'DSSE-KMS';
    default:
      return algorithm;
  }
}

function readEncryption(cfnBucket: s3.CfnBucket, stack: Stack): BucketEncryptionSetting | undefined | 'unreadable' {
  const raw = cfnBucket.bucketEncryption;
  if (raw === undefined) return undefined;
  if (Token.isUnresolved(raw)) return 'unreadable';
  const rules = (raw as s3.CfnBucket.BucketEncryptionProperty).serverSideEncryptionConfiguration;
  if (Token.isUnresolved(rules)) return 'unreadable';
  const rule = (rules as s3.CfnBucket.ServerSideEncryptionRuleProperty[])[0];
  if (rule === undefined) return undefined;
  if (Token.isUnresolved(rule)) return 'unreadable';
  const byDefault = rule.serverSideEncryptionByDefault;
  if (byDefault === undefined) return undefined;
  if (Token.isUnresolved(byDefault)) return 'unreadable';
  const d = byDefault as s3.CfnBucket.ServerSideEncryptionByDefaultProperty;
  const algorithm = stack.resolve(d.sseAlgorithm);
  if (typeof algorithm !== 'string') return 'unreadable';
  return { algorithm, kmsMasterKeyId: d.kmsMasterKeyId };
}

/** The key ARN to pin, or undefined if the setting does not name a key by ARN. */
function pinnableKeyArn(kmsMasterKeyId: string | undefined, stack: Stack): string | undefined {
  if (kmsMasterKeyId === undefined) return undefined;
  if (!Token.isUnresolved(kmsMasterKeyId)) {
    return KmsKeyArn.isKeyArn(kmsMasterKeyId) ? kmsMasterKeyId : undefined;
  }
  const resolved = stack.resolve(kmsMasterKeyId);
  // { Ref: <AWS::KMS::Key> } is a key id, not an ARN; GetAtt Arn and other expressions are taken as ARNs.
  if (resolved && typeof resolved === 'object' && 'Ref' in resolved) return undefined;
  return kmsMasterKeyId;
}

/**
 * The guard's key must be usable by the bucket: S3 accepts a default key of the bucket's own region
 * only, and a key of another stack in another region or account would be wired through a
 * cross-region reference that can never work. Fails at synth, naming the bucket, both places and the fix.
 */
function requireGuardKeyBesideBucket(mode: EncryptionMode, bucket: s3.CfnBucket, stack: Stack): void {
  if (mode.key === undefined) return;
  requireKeyBesideBucket(
    bucket.node.path,
    'BucketEncryptionGuard encryption',
    mode.key,
    stack,
    "Apply one guard per stack, each with that stack's key: Aspects.of(stack).add(new BucketEncryptionGuard({ ..., encryption: EncryptionMode.sseKms(keyOfThatStack) }))",
  );
}

function encryptionProperty(mode: EncryptionMode): s3.CfnBucket.BucketEncryptionProperty {
  return {
    serverSideEncryptionConfiguration: [
      {
        serverSideEncryptionByDefault: {
          sseAlgorithm: mode.algorithm,
          kmsMasterKeyId: mode.key?.keyArn,
        },
        bucketKeyEnabled: mode.isKms ? true : undefined,
      },
    ],
  };
}

/** Add statements to the bucket's policy; false if the existing policy cannot be extended. */
function addStatements(cfnBucket: s3.CfnBucket, l2: s3.Bucket | undefined, existing: s3.CfnBucketPolicy | undefined, statements: StatementJson[]): boolean {
  if (l2 && (existing === undefined || l2.policy?.node.defaultChild === existing)) {
    for (const st of statements) l2.addToResourcePolicy(toPolicyStatement(st));
    return true;
  }
  if (existing === undefined) {
    new s3.CfnBucketPolicy(cfnBucket.node.scope!, `${cfnBucket.node.id}EncryptionGuardPolicy`, {
      bucket: cfnBucket.ref,
      policyDocument: new iam.PolicyDocument({ statements: statements.map(toPolicyStatement) }),
    });
    return true;
  }
  const doc = existing.policyDocument;
  if (doc instanceof iam.PolicyDocument) {
    doc.addStatements(...statements.map(toPolicyStatement));
    return true;
  }
  if (doc === undefined || Token.isUnresolved(doc) || typeof doc !== 'object') {
    return false;
  }
  // A raw JSON document: keep every existing statement and append ours.
  existing.policyDocument = {
    ...doc,
    Version: (doc as PolicyDocumentJson).Version ?? '2012-10-17',
    Statement: [...statementsOf(doc as PolicyDocumentJson), ...statements],
  };
  return true;
}
