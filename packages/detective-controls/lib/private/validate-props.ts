/** The checks DetectiveControls makes on its props before creating anything. */
import { Token } from 'aws-cdk-lib';
import { DetectiveControlsProps } from '../detective-controls';
import { GUARDRAIL_RULES, S3_KMS_RULE } from './rules';

export function validateProps(props: DetectiveControlsProps): void {
  if (props.enableConfigRecorder === false) {
    for (const [name, value] of Object.entries({
      configDeliveryBucket: props.configDeliveryBucket,
      configDeliveryKey: props.configDeliveryKey,
      configDeliveryPrefix: props.configDeliveryPrefix,
    })) {
      if (value !== undefined) {
        throw new Error(`${name}: is only used with enableConfigRecorder true, but enableConfigRecorder is false; remove ${name} or enable the recorder.`);
      }
    }
  }
  const prefix = props.configDeliveryPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    if (!/^[a-zA-Z0-9!_.*'()-]+(\/[a-zA-Z0-9!_.*'()-]+)*$/.test(prefix) || prefix.includes('AWSLogs')) {
      throw new Error(
        `configDeliveryPrefix: '${prefix}' is not allowed; use S3-safe characters with '/' between segments, ` +
        "no leading or trailing '/', and not 'AWSLogs' (AWS Config adds AWSLogs/<account>/Config itself).",
      );
    }
  }
  if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId)) {
    if (props.enableAccessAnalyzer === false) {
      throw new Error('organizationId: is only used for the access analyzer, but enableAccessAnalyzer is false; remove organizationId or enable the analyzer.');
    }
    if (!/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw new Error(`organizationId: '${props.organizationId}' is not an AWS Organizations id; expected 'o-' followed by 10 to 32 lowercase letters or digits.`);
    }
  }
  if (props.analyzerName !== undefined && !Token.isUnresolved(props.analyzerName) && !/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(props.analyzerName)) {
    throw new Error(`analyzerName: '${props.analyzerName}' is not allowed; start with a letter, then letters, digits, '_', '.', '-' (at most 255 characters).`);
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
      throw new Error(`maxSecretRotationInterval: ${interval.toHumanString()} is not allowed; use whole days from 1 to 1000 (the Secrets Manager rotation limit).`);
    }
  }
  const known = [...GUARDRAIL_RULES, S3_KMS_RULE].map((spec) => spec.identifier);
  for (const identifier of props.excludedRules ?? []) {
    if (!known.includes(identifier)) {
      throw new Error(`excludedRules: '${identifier}' is not one of the rules of this construct; allowed: ${known.join(', ')}.`);
    }
  }
  if ((props.excludedRules ?? []).length > 0 && props.enableConfigRules === false) {
    throw new Error('excludedRules: is only used with enableConfigRules true, but enableConfigRules is false; remove excludedRules or enable the rules.');
  }
  for (const feature of props.additionalGuardDutyFeatures ?? []) {
    if (Token.isUnresolved(feature) || !/^[A-Z][A-Z0-9_]*$/.test(feature) || feature === 'S3_DATA_EVENTS') {
      throw new Error(
        `additionalGuardDutyFeatures: '${feature}' is not allowed; give GuardDuty feature names such as EKS_AUDIT_LOGS ` +
        '(upper case; S3_DATA_EVENTS is always enabled).',
      );
    }
  }
}
