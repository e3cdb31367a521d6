/**
 * The four Secrets Manager rotation steps for a generated token (API key or service
 * token), written against small interfaces so tests can drive them with an in-memory
 * Secrets Manager. Follows the structure of AWS's rotation function templates:
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 *
 * Every step is idempotent: Secrets Manager may invoke a step again after a timeout or
 * an error, and a step that already did its work does nothing the second time.
 * Secret values are never logged.
 */

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly Step: string;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly RotationToken?: string;
}

export interface SecretDescription {
  readonly rotationEnabled: boolean;
  /** version id -> staging labels */
  readonly versionIdsToStages: Record<string, string[]>;
}

export interface SecretVersionValue {
  readonly versionId: string;
  readonly secretString: string;
}

/** The Secrets Manager calls the rotation function makes. */
export interface SecretsManagerPort {
  describeSecret(secretId: string): Promise<SecretDescription>;
  /** Resolves to undefined when no such version (or no value for it) exists (ResourceNotFoundException). */
  getSecretValue(secretId: string, selector: { versionId?: string; versionStage: string }): Promise<SecretVersionValue | undefined>;
  putSecretValue(secretId: string, clientRequestToken: string, secretString: string, versionStages: string[]): Promise<void>;
  updateSecretVersionStage(secretId: string, versionStage: string, moveToVersionId: string, removeFromVersionId?: string): Promise<void>;
  getRandomPassword(length: number, excludePunctuation: boolean): Promise<string>;
}

/** The payload sent to the user's hook: never the secret value; the hook reads AWSPENDING itself. */
export interface HookPayload {
  readonly step: 'setSecret' | 'testSecret';
  readonly secretArn: string;
  readonly clientRequestToken: string;
}

/** Invokes the user's hook; rejects if the hook fails. */
export interface HookPort {
  invoke(payload: HookPayload): Promise<void>;
}

export interface TokenSettings {
  /** JSON field of the secret holding the token. */
  readonly valueField: string;
  /** Length of a generated token. */
  readonly valueLength: number;
}

export interface Logger {
  info(message: string): void;
}

export interface RotationDependencies {
  readonly secrets: SecretsManagerPort;
  readonly hook?: HookPort;
  readonly settings: TokenSettings;
  readonly logger?: Logger;
}

/** Thrown for a request the function must refuse (rotation off, unknown version, bad step). */
export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

/** Entry point: the checks AWS's templates make, then the step. */
export async function rotate(event: RotationEvent, deps: RotationDependencies): Promise<void> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  const log = deps.logger ?? { info: () => undefined };
  if (!arn || !token || !step) {
    throw new RotationError('event must carry Step, SecretId and ClientRequestToken');
  }
  if (!(ROTATION_STEPS as string[]).includes(step)) {
    throw new RotationError(`invalid step '${step}'; expected one of ${ROTATION_STEPS.join(', ')}`);
  }

  const metadata = await deps.secrets.describeSecret(arn);
  if (!metadata.rotationEnabled) {
    throw new RotationError(`secret ${arn} is not enabled for rotation`);
  }
  const stages = metadata.versionIdsToStages[token];
  if (stages === undefined) {
    throw new RotationError(`secret version ${token} has no stage for rotation of secret ${arn}`);
  }
  if (stages.includes(AWSCURRENT)) {
    log.info(`${step}: version ${token} is already AWSCURRENT for ${arn}; nothing to do`);
    return;
  }
  if (!stages.includes(AWSPENDING)) {
    throw new RotationError(`secret version ${token} is not set as AWSPENDING for rotation of secret ${arn}`);
  }

  switch (step as RotationStep) {
    case 'createSecret':
      return createSecret(arn, token, deps, log);
    case 'setSecret':
      return setSecret(arn, token, deps, log);
    case 'testSecret':
      return testSecret(arn, token, deps, log);
    case 'finishSecret':
      return finishSecret(arn, token, deps, log);
  }
}

/** Generate a new token and store it as AWSPENDING under the request token, unless it already exists. */
async function createSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  const current = await deps.secrets.getSecretValue(arn, { versionStage: AWSCURRENT });
  if (current === undefined) {
    throw new RotationError(`secret ${arn} has no AWSCURRENT value to rotate from`);
  }
  const pending = await deps.secrets.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING });
  if (pending !== undefined) {
    log.info(`createSecret: AWSPENDING value already exists for version ${token}; nothing to do`);
    return;
  }
  const fields = parseObject(current.secretString, arn, AWSCURRENT);
  const value = await deps.secrets.getRandomPassword(deps.settings.valueLength, true);
  // Keep the other fields of the secret (for example a client id) and replace only the token.
  const next = { ...fields, [deps.settings.valueField]: value };
  await deps.secrets.putSecretValue(arn, token, JSON.stringify(next), [AWSPENDING]);
  log.info(`createSecret: stored a new AWSPENDING value for version ${token}`);
}

/** Register the pending token with the system that checks it (the hook), if there is one. */
async function setSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  await requirePending(arn, token, deps);
  if (deps.hook === undefined) {
    log.info('setSecret: no hook configured; consumers read the token from the secret');
    return;
  }
  await deps.hook.invoke({ step: 'setSecret', secretArn: arn, clientRequestToken: token });
  log.info(`setSecret: hook accepted version ${token}`);
}

/** Check the pending token: through the hook if there is one, structurally otherwise. */
async function testSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  const pending = await requirePending(arn, token, deps);
  const fields = parseObject(pending.secretString, arn, AWSPENDING);
  const value = fields[deps.settings.valueField];
  if (typeof value !== 'string' || value.length !== deps.settings.valueLength || !/^[A-Za-z0-9]+$/.test(value)) {
    throw new RotationError(`testSecret: AWSPENDING field '${deps.settings.valueField}' of version ${token} is not a ${deps.settings.valueLength}-character alphanumeric token`);
  }
  if (deps.hook !== undefined) {
    await deps.hook.invoke({ step: 'testSecret', secretArn: arn, clientRequestToken: token });
    log.info(`testSecret: hook confirmed version ${token}`);
    return;
  }
  log.info(`testSecret: version ${token} is well formed`);
}

/** Move AWSCURRENT to the new version (Secrets Manager then labels the old one AWSPREVIOUS). */
async function finishSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  const metadata = await deps.secrets.describeSecret(arn);
  let currentVersion: string | undefined;
  for (const [versionId, stages] of Object.entries(metadata.versionIdsToStages)) {
    if (stages.includes(AWSCURRENT)) {
      if (versionId === token) {
        log.info(`finishSecret: version ${token} is already AWSCURRENT`);
        return;
      }
      currentVersion = versionId;
      break;
    }
  }
  await deps.secrets.updateSecretVersionStage(arn, AWSCURRENT, token, currentVersion);
  log.info(`finishSecret: moved AWSCURRENT to version ${token} from ${currentVersion ?? '(none)'}`);
}

async function requirePending(arn: string, token: string, deps: RotationDependencies): Promise<SecretVersionValue> {
  const pending = await deps.secrets.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING });
  if (pending === undefined) {
    throw new RotationError(`no AWSPENDING value for version ${token} of secret ${arn}; createSecret must run first`);
  }
  return pending;
}

function parseObject(secretString: string, arn: string, stage: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new RotationError(`the ${stage} value of secret ${arn} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RotationError(`the ${stage} value of secret ${arn} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
