/** The checks CentralLogDestination makes on its props before creating anything. */
import { CdkBootstrap, PolicySizeLimit } from '@cdk-guardrails/facts';
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
import { namedPropError } from './errors';

/** IAM: default maximum size of a role trust policy, in characters. */
const TRUST_POLICY_MAX_CHARS = PolicySizeLimit.IAM_TRUST_POLICY.maximum;

/**
 * The validators below take `where`, the construct path of the CentralLogDestination, which leads
 * every error: `<construct path>: <prop>: received X; expected Y`.
 */
export function validateClassificationRules(where: string, rules: LogClassRule[]): void {
  const fail = (msg: string): never => {
    throw new Error(`${where}: classificationRules${msg}`);
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
        fail(
          `[${i}].logGroupNamePrefix: received ${JSON.stringify(p)}, already classified for ${key.split(' ')[0] === '*' ? 'every sender' : `account ${key.split(' ')[0]}`}; expected each prefix classified once per sender`,
        );
      seen.add(key);
    }
  });
}

/** The forwarder's environment holds 4 KB in all: the rules get at most half of it. */
const MAX_RULES_JSON = 2048;

/** The rules as the forwarder reads them (short keys: a function's environment holds 4 KB in all). */
export function classificationRulesJson(where: string, rules: LogClassRule[]): string {
  const rulesJson = JSON.stringify(rules.map((r) => ({ p: r.logGroupNamePrefix, c: r.logClass, ...(r.accountIds ? { a: r.accountIds } : {}) })));
  if (rulesJson.length > MAX_RULES_JSON) {
    throw namedPropError(
      where,
      'classificationRules',
      `${rules.length} rules (${rulesJson.length} characters as the forwarder reads them)`,
      `at most ${MAX_RULES_JSON} characters, what fits in the forwarder's environment (4 KB in all)`,
      'Use fewer, shorter prefixes, or rules for every sender instead of per-account ones',
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
export function checkSenderPolicySizes(
  where: string,
  stack: Stack,
  destinationName: string,
  senders: SenderSet,
  sourceArnCount: number,
  subscriberArnPatterns?: string[],
): void {
  const sizingRegion = Token.isUnresolved(stack.region) ? PLACEHOLDER_REGION : stack.region;
  const sizingPartition = (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).partition) || PLACEHOLDER_PARTITION;
  const sizingArn = destinationArnOf(Token.isUnresolved(stack.account) ? PLACEHOLDER_ACCOUNT : stack.account, sizingRegion, destinationName, sizingPartition);
  const policyBytes = destinationPolicyBytes({
    destinationArn: sizingArn,
    senderAccounts: senders.senderAccounts,
    organizationId: senders.organizationId,
    organizationalUnitIds: senders.organizationalUnitIds,
    subscriberArnPatterns,
  });
  if (policyBytes > DESTINATION_POLICY_MAX_BYTES) {
    const evidence = subscriberArnPatterns !== undefined;
    throw namedPropError(
      where,
      evidence ? 'senders, evidenceSubscriberArnPatterns' : 'senders',
      `${senders.senderAccounts?.length ?? 0} sender accounts${evidence ? ` and ${subscriberArnPatterns.length} subscriber patterns` : ''}, a destination policy of ${destinationName} of about ${policyBytes} bytes`,
      `a destination policy within the CloudWatch Logs limit of ${DESTINATION_POLICY_MAX_BYTES} bytes`,
      `Set organizationId in config to use aws:PrincipalOrgID (LogSenders.fromOrganization), which keeps the policy small whatever the number of accounts${evidence ? ', and use fewer subscriber patterns' : ''}.`,
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
      throw namedPropError(
        where,
        'senders',
        `${senders.senderAccounts!.length} accounts, a trust policy of about ${trustChars} characters for the role CloudWatch Logs assumes`,
        `a trust policy within the IAM limit of ${TRUST_POLICY_MAX_CHARS} characters`,
        'Use LogSenders.fromOrganization (set organizationId in config to use aws:PrincipalOrgID).',
      );
    }
  }
}

export function validateProps(
  where: string,
  props: CentralLogDestinationProps,
  destinationName: string,
  prefix: string,
  capacity: DestinationStreamCapacity,
): void {
  const fail = (msg: string) => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!Token.isUnresolved(destinationName) && !/^[^:*]{1,512}$/.test(destinationName)) {
    fail(`destinationName: received ${JSON.stringify(destinationName)}; expected 1 to 512 characters without ':' or '*'`);
  }
  if (!Token.isUnresolved(prefix) && !/^\/[\w\-./#]+[^/]$/.test(prefix)) {
    fail(
      `logGroupNamePrefix: received ${JSON.stringify(prefix)}; expected a prefix that starts with '/', does not end with '/', and uses only letters, digits, '_-./#'`,
    );
  }
  const accounts = props.senders.accountIds;
  if (accounts) {
    if (accounts.length === 0)
      fail(
        'senders: received an empty account list; expected at least one account. Pass LogSenders.fromAccounts([...]) with at least one workload account id, or LogSenders.fromOrganization(id)',
      );
    const seen = new Set<string>();
    for (const a of accounts) {
      if (Token.isUnresolved(a)) continue;
      if (!isAccountId(a)) fail(`senders: received ${JSON.stringify(a)}; expected a 12-digit AWS account id`);
      if (seen.has(a)) fail(`senders: received account ${a} twice; expected each account once`);
      seen.add(a);
    }
  }
  const org = props.senders.organizationId;
  if (org !== undefined && !Token.isUnresolved(org) && !/^o-[a-z0-9]{10,32}$/.test(org)) {
    fail(`senders: received organization id ${JSON.stringify(org)}; expected an organization id like o-xxxxxxxxxx (10 to 32 lowercase letters or digits)`);
  }
  (props.senders.organizationalUnitIds ?? []).forEach((ou, i) => {
    if (!Token.isUnresolved(ou) && !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(ou)) {
      fail(
        `senders.organizationalUnitIds[${i}]: received ${JSON.stringify(ou)}; expected an organizational unit id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)`,
      );
    }
  });
  if (capacity.shardCount !== undefined && (!Number.isInteger(capacity.shardCount) || capacity.shardCount < 1)) {
    fail(`streamCapacity.shardCount: received ${capacity.shardCount}; expected an integer of at least 1`);
  }
  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    fail(
      'vpc: received undefined with vpcSubnets or securityGroups set; expected a vpc whenever vpcSubnets or securityGroups is set, because they place the forwarder in a VPC. Set vpc as well',
    );
  }
  validateName(where, 'streamName', props.streamName, STREAM_NAME);
  validateName(where, 'forwarderFunctionName', props.forwarderFunctionName, FUNCTION_NAME);
  validateName(where, 'forwarderRoleName', props.forwarderRoleName, ROLE_NAME);
  validateName(where, 'forwarderLogGroupName', props.forwarderLogGroupName, LOG_GROUP_NAME);
  validateName(where, 'deadLetterQueueName', props.deadLetterQueueName, QUEUE_NAME);
  validateName(where, 'deadLetterAlarmName', props.deadLetterAlarmName, ALARM_NAME);
  validateName(where, 'deliveryDelayAlarmName', props.deliveryDelayAlarmName, ALARM_NAME);
  validateName(where, 'streamThrottleAlarmName', props.streamThrottleAlarmName, ALARM_NAME);
  if (props.maxDeliveryDelay !== undefined) {
    const minutes = props.maxDeliveryDelay.toMinutes({ integral: false });
    if (!(minutes >= 1 && minutes <= 720)) {
      throw new Error(
        `${where}: maxDeliveryDelay: received ${props.maxDeliveryDelay.toHumanString()}; expected 1 minute to 12 hours (records older than the stream's 24-hour retention are lost, so the alarm must fire well before)`,
      );
    }
  }
  validateAdministratorArns(where, 'administratorArns', props.administratorArns);
  validateEvidenceProps(where, props, destinationName);
  const centralNames = ALL_LOG_CLASSES.map((cls) => `${prefix}/${cls}`);
  if (props.forwarderLogGroupName !== undefined && centralNames.includes(props.forwarderLogGroupName)) {
    fail(
      `forwarderLogGroupName: received ${JSON.stringify(props.forwarderLogGroupName)}; expected a name other than the central log groups (${centralNames.join(', ')})`,
    );
  }
  checkRange(where, 'forwarderBatchSize', props.forwarderBatchSize, 1, 10_000);
  checkRange(where, 'forwarderRetryAttempts', props.forwarderRetryAttempts, 0, 10_000);
  checkRange(where, 'forwarderParallelizationFactor', props.forwarderParallelizationFactor, 1, 10);
  const retentionHours = props.streamRetention?.toHours();
  if (retentionHours !== undefined && (retentionHours < 24 || retentionHours > 8760)) {
    fail(`streamRetention: received ${retentionHours} hours; expected between 24 hours and 365 days`);
  }
}

function checkRange(where: string, name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw namedPropError(where, name, String(value), `an integer from ${min} to ${max}`);
  }
}

/** The evidence destination's name when it is configured (`<destinationName>-evidence` unless named). */
export function evidenceDestinationNameOf(props: CentralLogDestinationProps, destinationName: string): string | undefined {
  if (props.evidenceSubscriberArnPatterns === undefined) return undefined;
  return props.evidenceDestinationName ?? `${destinationName}-evidence`;
}

/**
 * An IAM role or user ARN pattern whose name starts with a literal character: `role/*` (or `*` for
 * the whole ARN) would admit every principal of the senders, the bounded administrators included.
 */
const SUBSCRIBER_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):(role|user)\/[\w+=,.@/-][\w+=,.@/*?-]*$/;

function validateEvidenceProps(where: string, props: CentralLogDestinationProps, destinationName: string): void {
  const patterns = props.evidenceSubscriberArnPatterns;
  if (patterns === undefined) {
    const stray = (['evidenceDestinationName', 'evidenceStreamName', 'evidenceDeliveryDelayAlarmName', 'evidenceStreamThrottleAlarmName'] as const).find(
      (k) => props[k] !== undefined,
    );
    if (stray !== undefined) {
      throw namedPropError(
        where,
        stray,
        `${JSON.stringify(props[stray])} without evidenceSubscriberArnPatterns`,
        'evidenceSubscriberArnPatterns as well, or no ' + stray,
      );
    }
    return;
  }
  if (patterns.length === 0) {
    throw namedPropError(
      where,
      'evidenceSubscriberArnPatterns',
      '[]',
      "at least one IAM principal ARN pattern (the senders' CloudFormation execution role, or their sender role in organization mode); leave it unset for a single destination",
    );
  }
  patterns.forEach((pattern, i) => {
    if (Token.isUnresolved(pattern)) return;
    if (!SUBSCRIBER_ARN_PATTERN.test(pattern)) {
      throw namedPropError(
        where,
        `evidenceSubscriberArnPatterns[${i}]`,
        JSON.stringify(pattern),
        "an IAM role or user ARN pattern like arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1 ('*' for the account, '*' and '?' in the name after its first character): a name that starts with a wildcard admits every principal of the senders, their bounded administrators included",
      );
    }
    // A role of CDK's default qualifier exists in any sender account a team bootstrapped with a plain
    // `cdk bootstrap` (red10 R10-5): with organization senders, any account of the organization.
    if (CdkBootstrap.patternMatchesDefaultRolesAnywhere(pattern)) {
      throw namedPropError(
        where,
        `evidenceSubscriberArnPatterns[${i}]`,
        JSON.stringify(pattern),
        `no role of CDK's default qualifier (cdk-${CdkBootstrap.DEFAULT_QUALIFIER}-*) in every account: a role of that name exists in any sender account bootstrapped with a plain \`cdk bootstrap\`, ` +
          'and could subscribe its own log groups to the evidence destination. Bootstrap with a qualifier of your own (cdk bootstrap --qualifier <q>) and name its execution role',
      );
    }
  });
  const evidenceName = evidenceDestinationNameOf(props, destinationName)!;
  if (!Token.isUnresolved(evidenceName) && !/^[^:*]{1,512}$/.test(evidenceName)) {
    throw namedPropError(
      where,
      props.evidenceDestinationName !== undefined ? 'evidenceDestinationName' : 'destinationName',
      JSON.stringify(evidenceName) + (props.evidenceDestinationName !== undefined ? '' : ' as the evidence destination name (<destinationName>-evidence)'),
      "1 to 512 characters without ':' or '*'",
    );
  }
  if (evidenceName === destinationName) {
    throw namedPropError(
      where,
      'evidenceDestinationName',
      JSON.stringify(evidenceName),
      `a name other than destinationName ${JSON.stringify(destinationName)}`,
    );
  }
  validateName(where, 'evidenceStreamName', props.evidenceStreamName, STREAM_NAME);
  if (props.evidenceStreamName !== undefined && props.evidenceStreamName === props.streamName) {
    throw namedPropError(
      where,
      'evidenceStreamName',
      JSON.stringify(props.evidenceStreamName),
      'a name other than streamName: each destination has a stream of its own',
    );
  }
  validateName(where, 'evidenceDeliveryDelayAlarmName', props.evidenceDeliveryDelayAlarmName, ALARM_NAME);
  validateName(where, 'evidenceStreamThrottleAlarmName', props.evidenceStreamThrottleAlarmName, ALARM_NAME);
}
