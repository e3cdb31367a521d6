/** The checks CentralLogDestination makes on its props before creating anything. */
import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CentralLogDestinationProps, DestinationStreamCapacity } from '../central-log-destination-props';
import { LogClass, LogClassRule } from '../log-class';
import {
  DESTINATION_POLICY_MAX_BYTES,
  destinationArnOf,
  destinationPolicyBytes,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_PARTITION,
  PLACEHOLDER_REGION,
} from './destination-policy';
import { ALL_LOG_CLASSES, isAccountId } from './names';
import { ALARM_NAME, FUNCTION_NAME, LOG_GROUP_NAME, QUEUE_NAME, ROLE_NAME, STREAM_NAME, validateName } from './resource-names';
import { validateAdministratorArns } from './stream-policy';

/** IAM: default maximum size of a role trust policy, in characters. */
const TRUST_POLICY_MAX_CHARS = PolicySizeLimit.IAM_TRUST_POLICY.maximum;

export function validateClassificationRules(rules: LogClassRule[]): void {
  const fail = (msg: string): never => {
    throw new Error(`CentralLogDestination: classificationRules${msg}`);
  };
  if (rules.length === 0) fail(': received an empty list; expected at least one rule, or none at all for the defaults (every payload would be dead-lettered)');
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const p = rule.logGroupNamePrefix;
    if (Token.isUnresolved(p) || typeof p !== 'string' || !/^[\w\-./#]{1,512}$/.test(p)) {
      fail(`[${i}].logGroupNamePrefix: received ${JSON.stringify(p)}; expected 1 to 512 letters, digits or '_-./#' (the start of log group names)`);
    }
    if (!Object.values(LogClass).includes(rule.logClass))
      fail(`[${i}].logClass: received ${JSON.stringify(rule.logClass)}; expected LogClass.AUDIT, SECURITY or APP`);
    (rule.accountIds ?? []).forEach((a, j) => {
      if (Token.isUnresolved(a) || !isAccountId(a)) fail(`[${i}].accountIds[${j}]: received ${JSON.stringify(a)}; expected a 12-digit account id`);
    });
    if (rule.accountIds !== undefined && rule.accountIds.length === 0)
      fail(`[${i}].accountIds: received an empty list; expected account ids, or no accountIds for every sender`);
    for (const key of (rule.accountIds ?? ['*']).map((a) => `${a} ${p}`)) {
      if (seen.has(key))
        fail(`[${i}]: the prefix ${JSON.stringify(p)} is classified twice for ${key.split(' ')[0] === '*' ? 'every sender' : `account ${key.split(' ')[0]}`}`);
      seen.add(key);
    }
  });
}

/** The forwarder's environment holds 4 KB in all: the rules get at most half of it. */
const MAX_RULES_JSON = 2048;

/** The rules as the forwarder reads them (short keys: a function's environment holds 4 KB in all). */
export function classificationRulesJson(rules: LogClassRule[]): string {
  const rulesJson = JSON.stringify(rules.map((r) => ({ p: r.logGroupNamePrefix, c: r.logClass, ...(r.accountIds ? { a: r.accountIds } : {}) })));
  if (rulesJson.length > MAX_RULES_JSON) {
    throw new Error(
      `CentralLogDestination: classificationRules: received ${rules.length} rules (${rulesJson.length} characters as the forwarder reads them); ` +
        `at most ${MAX_RULES_JSON} fit in the forwarder's environment (4 KB in all). Use fewer, shorter prefixes, or rules for every sender instead of per-account ones`,
    );
  }
  return rulesJson;
}

/** The senders a destination admits, as its policies need them. */
export interface SenderSet {
  readonly senderAccounts?: string[];
  readonly organizationId?: string;
  readonly organizationalUnitIds?: string[];
  /** Every sender is listed (accounts, no organizational units): the forwarder checks the source account. */
  readonly knownSenders: boolean;
}

/**
 * The destination policy and the destination role's trust policy within their limits, sized with
 * the real region and partition when known, else with placeholders at least as long as any real value.
 */
export function checkSenderPolicySizes(stack: Stack, destinationName: string, senders: SenderSet, sourceArnCount: number): void {
  const sizingRegion = Token.isUnresolved(stack.region) ? PLACEHOLDER_REGION : stack.region;
  const sizingPartition = (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).partition) || PLACEHOLDER_PARTITION;
  const sizingArn = destinationArnOf(Token.isUnresolved(stack.account) ? PLACEHOLDER_ACCOUNT : stack.account, sizingRegion, destinationName, sizingPartition);
  const policyBytes = destinationPolicyBytes({
    destinationArn: sizingArn,
    senderAccounts: senders.senderAccounts,
    organizationId: senders.organizationId,
    organizationalUnitIds: senders.organizationalUnitIds,
  });
  if (policyBytes > DESTINATION_POLICY_MAX_BYTES) {
    throw new Error(
      `CentralLogDestination: the destination policy would be about ${policyBytes} bytes with ${senders.senderAccounts?.length ?? 0} sender accounts, above the CloudWatch Logs limit of ${DESTINATION_POLICY_MAX_BYTES} bytes. ` +
        'Set organizationId in config to use aws:PrincipalOrgID (LogSenders.fromOrganization), which keeps the policy small whatever the number of accounts.',
    );
  }
  if (senders.knownSenders) {
    const trustChars = PolicySizeLimit.IAM_TRUST_POLICY.sizeOf({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Condition: {
            StringLike: {
              'aws:SourceArn': Array.from({ length: sourceArnCount }, () => `arn:${sizingPartition}:logs:${sizingRegion}:${PLACEHOLDER_ACCOUNT}:*`),
            },
          },
          Effect: 'Allow',
          Principal: { Service: 'logs.amazonaws.com' },
        },
      ],
    });
    if (trustChars > TRUST_POLICY_MAX_CHARS) {
      throw new Error(
        `CentralLogDestination: senders lists ${senders.senderAccounts!.length} accounts; the trust policy of the role CloudWatch Logs assumes would be about ${trustChars} characters, above the IAM limit of ${TRUST_POLICY_MAX_CHARS}. Use LogSenders.fromOrganization (set organizationId in config to use aws:PrincipalOrgID).`,
      );
    }
  }
}

export function validateProps(props: CentralLogDestinationProps, destinationName: string, prefix: string, capacity: DestinationStreamCapacity): void {
  const fail = (msg: string) => {
    throw new Error(`CentralLogDestination: ${msg}`);
  };
  if (!Token.isUnresolved(destinationName) && !/^[^:*]{1,512}$/.test(destinationName)) {
    fail(`destinationName must be 1 to 512 characters without ':' or '*', received ${JSON.stringify(destinationName)}`);
  }
  if (!Token.isUnresolved(prefix) && !/^\/[\w\-./#]+[^/]$/.test(prefix)) {
    fail(`logGroupNamePrefix must start with '/', not end with '/', and use only letters, digits, '_-./#', received ${JSON.stringify(prefix)}`);
  }
  const accounts = props.senders.accountIds;
  if (accounts) {
    if (accounts.length === 0)
      fail('senders lists no accounts: pass LogSenders.fromAccounts([...]) with at least one workload account id, or LogSenders.fromOrganization(id)');
    const seen = new Set<string>();
    for (const a of accounts) {
      if (Token.isUnresolved(a)) continue;
      if (!isAccountId(a)) fail(`senders: ${JSON.stringify(a)} is not a 12-digit AWS account id`);
      if (seen.has(a)) fail(`senders lists account ${a} twice`);
      seen.add(a);
    }
  }
  const org = props.senders.organizationId;
  if (org !== undefined && !Token.isUnresolved(org) && !/^o-[a-z0-9]{10,32}$/.test(org)) {
    fail(`senders: organization id must look like o-xxxxxxxxxx (10 to 32 lowercase letters or digits), received ${JSON.stringify(org)}`);
  }
  (props.senders.organizationalUnitIds ?? []).forEach((ou, i) => {
    if (!Token.isUnresolved(ou) && !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(ou)) {
      fail(`senders: organizationalUnitIds[${i}] must be an organizational unit id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx), received ${JSON.stringify(ou)}`);
    }
  });
  if (capacity.shardCount !== undefined && (!Number.isInteger(capacity.shardCount) || capacity.shardCount < 1)) {
    fail(`streamCapacity: shardCount must be an integer of at least 1, received ${capacity.shardCount}`);
  }
  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    fail('vpcSubnets and securityGroups place the forwarder in a VPC: set vpc as well (received vpcSubnets or securityGroups without vpc)');
  }
  validateName('CentralLogDestination', 'streamName', props.streamName, STREAM_NAME);
  validateName('CentralLogDestination', 'forwarderFunctionName', props.forwarderFunctionName, FUNCTION_NAME);
  validateName('CentralLogDestination', 'forwarderRoleName', props.forwarderRoleName, ROLE_NAME);
  validateName('CentralLogDestination', 'forwarderLogGroupName', props.forwarderLogGroupName, LOG_GROUP_NAME);
  validateName('CentralLogDestination', 'deadLetterQueueName', props.deadLetterQueueName, QUEUE_NAME);
  validateName('CentralLogDestination', 'deadLetterAlarmName', props.deadLetterAlarmName, ALARM_NAME);
  validateName('CentralLogDestination', 'deliveryDelayAlarmName', props.deliveryDelayAlarmName, ALARM_NAME);
  validateName('CentralLogDestination', 'streamThrottleAlarmName', props.streamThrottleAlarmName, ALARM_NAME);
  if (props.maxDeliveryDelay !== undefined) {
    const minutes = props.maxDeliveryDelay.toMinutes({ integral: false });
    if (!(minutes >= 1 && minutes <= 720)) {
      throw new Error(
        `CentralLogDestination: maxDeliveryDelay: received ${props.maxDeliveryDelay.toHumanString()}; expected 1 minute to 12 hours (records older than the stream's 24-hour retention are lost, so the alarm must fire well before)`,
      );
    }
  }
  validateAdministratorArns('CentralLogDestination', 'administratorArns', props.administratorArns);
  const centralNames = ALL_LOG_CLASSES.map((cls) => `${prefix}/${cls}`);
  if (props.forwarderLogGroupName !== undefined && centralNames.includes(props.forwarderLogGroupName)) {
    fail(
      `forwarderLogGroupName: received ${JSON.stringify(props.forwarderLogGroupName)}; expected a name other than the central log groups (${centralNames.join(', ')})`,
    );
  }
  checkRange('forwarderBatchSize', props.forwarderBatchSize, 1, 10_000);
  checkRange('forwarderRetryAttempts', props.forwarderRetryAttempts, 0, 10_000);
  checkRange('forwarderParallelizationFactor', props.forwarderParallelizationFactor, 1, 10);
  const retentionHours = props.streamRetention?.toHours();
  if (retentionHours !== undefined && (retentionHours < 24 || retentionHours > 8760)) {
    fail(`streamRetention must be between 24 hours and 365 days, received ${retentionHours} hours`);
  }
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`CentralLogDestination: ${name} must be an integer from ${min} to ${max}, received ${value}`);
  }
}
