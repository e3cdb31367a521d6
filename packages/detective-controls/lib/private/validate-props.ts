/** The checks DetectiveControls makes on its props before creating anything. */
import { _kmsKeyChoiceProblem } from '@cdk-guardrails/facts';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DetectiveControlsProps } from '../detective-controls-props';
import { validateGuardDutyProtection } from './detector-properties';
import { propError } from './errors';
import { GUARDRAIL_RULES, S3_KMS_RULE } from './rules';

export function validateProps(scope: IConstruct, props: DetectiveControlsProps): void {
  // Our own checks must pass on what we create: with S3_DEFAULT_ENCRYPTION_KMS deployed, a Config
  // bucket created here under SSE-S3 would be reported non-compliant by the rule next to it.
  if (
    props.requireS3KmsEncryption &&
    (props.enableConfigRecorder ?? true) &&
    props.configDeliveryBucket === undefined &&
    props.configDeliveryKey === undefined
  ) {
    throw propError(
      scope,
      'configDeliveryKey',
      'undefined with requireS3KmsEncryption true',
      'the KMS key AWS Config delivers with',
      'The Config bucket created here would otherwise be SSE-S3 and fail the S3_DEFAULT_ENCRYPTION_KMS rule deployed beside it (or give configDeliveryBucket, a bucket of your own)',
    );
  }
  if (props.enableConfigRecorder === false) {
    for (const [name, value] of Object.entries({
      configDeliveryBucket: props.configDeliveryBucket,
      configDeliveryKey: props.configDeliveryKey,
      configDeliveryPrefix: props.configDeliveryPrefix,
    })) {
      if (value !== undefined) {
        throw propError(
          scope,
          name,
          'a value with enableConfigRecorder false',
          `${name} only with enableConfigRecorder true`,
          `Remove ${name} or enable the recorder`,
        );
      }
    }
  }
  // The key of the configuration history: not an alias (the bucket policy pins a key ARN, and an
  // alias can be re-pointed), not another account's key (its owner decides who reads the history
  // and can disable it: deliveries fail), not another region's (AWS Config's delivery fails).
  if (props.configDeliveryKey !== undefined) {
    const problem = _kmsKeyChoiceProblem(props.configDeliveryKey, Stack.of(scope));
    if (problem !== undefined) throw propError(scope, 'configDeliveryKey', problem.received, problem.expected, problem.fix);
  }
  const prefix = props.configDeliveryPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    if (!/^[a-zA-Z0-9!_.*'()-]+(\/[a-zA-Z0-9!_.*'()-]+)*$/.test(prefix) || prefix.includes('AWSLogs')) {
      throw propError(
        scope,
        'configDeliveryPrefix',
        `'${prefix}'`,
        "S3-safe characters with '/' between segments, no leading or trailing '/', and not 'AWSLogs' (AWS Config adds AWSLogs/<account>/Config itself)",
      );
    }
  }
  if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId)) {
    if (props.enableAccessAnalyzer === false) {
      throw propError(
        scope,
        'organizationId',
        `'${props.organizationId}' with enableAccessAnalyzer false`,
        'organizationId only with the access analyzer, which uses it',
        'Remove organizationId or enable the analyzer',
      );
    }
    if (!/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw propError(scope, 'organizationId', `'${props.organizationId}'`, "an AWS Organizations id, 'o-' followed by 10 to 32 lowercase letters or digits");
    }
  }
  if (props.analyzerName !== undefined && !Token.isUnresolved(props.analyzerName) && !/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(props.analyzerName)) {
    throw propError(scope, 'analyzerName', `'${props.analyzerName}'`, "a letter, then letters, digits, '_', '.', '-' (at most 255 characters)");
  }
  const interval = props.maxSecretRotationInterval;
  if (interval !== undefined && !interval.isUnresolved()) {
    let days: number | undefined;
    try {
      days = interval.toDays();
    } catch {
      days = undefined;
    }
    if (days === undefined || days < 1 || days > 1000) {
      throw propError(scope, 'maxSecretRotationInterval', interval.toHumanString(), 'whole days from 1 to 1000 (the Secrets Manager rotation limit)');
    }
  }
  const known = [...GUARDRAIL_RULES, S3_KMS_RULE].map((spec) => spec.identifier);
  for (const identifier of props.excludedRules ?? []) {
    if (!known.includes(identifier)) {
      throw propError(scope, 'excludedRules', `'${identifier}'`, `rules of this construct: ${known.join(', ')}`);
    }
  }
  if ((props.excludedRules ?? []).length > 0 && props.enableConfigRules === false) {
    throw propError(
      scope,
      'excludedRules',
      'a list with enableConfigRules false',
      'excludedRules only with enableConfigRules true',
      'Remove excludedRules or enable the rules',
    );
  }
  validateGuardDutyProtection(scope, props.guardDutyProtection, props.enableGuardDuty ?? true);
  if (props.securityHub !== undefined && props.enableSecurityHub !== true) {
    throw propError(
      scope,
      'securityHub',
      `a value with enableSecurityHub ${props.enableSecurityHub ?? 'undefined'}`,
      'securityHub only with enableSecurityHub true',
      'Remove securityHub or enable Security Hub',
    );
  }
}
