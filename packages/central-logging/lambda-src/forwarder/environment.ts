/** The forwarder's configuration from its environment variables; fails fast on a broken deployment. */
import { LOG_CLASSES } from './limits';
import { ClassTarget, ClassificationRule, ForwarderConfig } from './types';
export function regionFromArn(arn: string | undefined): string | undefined {
  const parts = arn?.split(':');
  return parts && parts.length > 3 && parts[3] ? parts[3] : undefined;
}

/** Read the forwarder configuration from the Lambda environment (set by CentralLogDestination). */
export function configFromEnvironment(env: Record<string, string | undefined>): { config: ForwarderConfig; deadLetterQueueUrl: string } {
  const raw = env.CENTRAL_LOG_GROUPS;
  if (!raw) throw new Error('CENTRAL_LOG_GROUPS is not set');
  const parsed = JSON.parse(raw) as Record<string, ClassTarget>;
  for (const cls of LOG_CLASSES) {
    if (!parsed[cls] || typeof parsed[cls].logGroupName !== 'string') {
      throw new Error(`CENTRAL_LOG_GROUPS has no logGroupName for class ${cls}: ${raw}`);
    }
  }
  const deadLetterQueueUrl = env.DEAD_LETTER_QUEUE_URL;
  if (!deadLetterQueueUrl) throw new Error('DEAD_LETTER_QUEUE_URL is not set');
  return {
    config: {
      targets: parsed,
      classificationRules: rulesFromEnvironment(env.CLASSIFICATION_RULES),
      senderAccounts: env.SENDER_ACCOUNTS ? accountsFromEnvironment(env.SENDER_ACCOUNTS) : undefined,
      evidenceStreamArn: evidenceStreamFromEnvironment(env.EVIDENCE_STREAM_ARN),
    },
    deadLetterQueueUrl,
  };
}

/** CLASSIFICATION_RULES: a JSON array of `{ p: prefix, c: class, a?: accounts }` (short keys: the environment holds 4 KB). */
export function rulesFromEnvironment(raw: string | undefined): ClassificationRule[] {
  if (!raw) throw new Error('CLASSIFICATION_RULES is not set: the forwarder never classifies by a name the sender chose');
  const parsed = JSON.parse(raw);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`CLASSIFICATION_RULES must be a non-empty JSON array, received ${raw}`);
  return parsed.map((r: any, i: number) => {
    if (!r || typeof r.p !== 'string' || r.p === '' || !LOG_CLASSES.includes(r.c)) {
      throw new Error(
        `CLASSIFICATION_RULES[${i}] must be { "p": "<log group name prefix>", "c": "audit"|"security"|"app", "a"?: ["<account>"] }, received ${JSON.stringify(r)}`,
      );
    }
    if (r.a !== undefined && (!Array.isArray(r.a) || r.a.some((a: unknown) => typeof a !== 'string' || !/^\d{12}$/.test(a)))) {
      throw new Error(`CLASSIFICATION_RULES[${i}].a must be a list of 12-digit account ids, received ${JSON.stringify(r.a)}`);
    }
    return { logGroupNamePrefix: r.p, logClass: r.c, ...(r.a !== undefined ? { accountIds: r.a } : {}) };
  });
}

function accountsFromEnvironment(raw: string): string[] {
  const parsed = JSON.parse(raw);
  if (!Array.isArray(parsed) || parsed.some((a) => typeof a !== 'string' || !/^\d{12}$/.test(a))) {
    throw new Error(`SENDER_ACCOUNTS must be a JSON array of 12-digit account ids, received ${raw}`);
  }
  return parsed;
}

/** EVIDENCE_STREAM_ARN: unset (one stream for every class), or a Kinesis stream ARN. */
function evidenceStreamFromEnvironment(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/.test(raw)) {
    throw new Error(`EVIDENCE_STREAM_ARN must be a Kinesis stream ARN, received ${JSON.stringify(raw)}`);
  }
  return raw;
}
