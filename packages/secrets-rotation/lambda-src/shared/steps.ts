/**
 * What every rotation function of this package shares: the event, the Secrets Manager calls it
 * makes (a small interface, so tests drive the steps with an in-memory Secrets Manager), the checks
 * AWS's rotation templates make before a step, and finishSecret. Follows
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html
 *
 * Every step is idempotent: Secrets Manager may invoke a step again after a timeout or an error,
 * and a step that already did its work does nothing the second time. Secret values are never logged.
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

/** The Secrets Manager calls the rotation functions make. */
export interface SecretsManagerPort {
  describeSecret(secretId: string): Promise<SecretDescription>;
  /** Resolves to undefined when no such version (or no value for it) exists (ResourceNotFoundException). */
  getSecretValue(secretId: string, selector: { versionId?: string; versionStage: string }): Promise<SecretVersionValue | undefined>;
  putSecretValue(secretId: string, clientRequestToken: string, secretString: string, versionStages: string[]): Promise<void>;
  updateSecretVersionStage(secretId: string, versionStage: string, moveToVersionId: string, removeFromVersionId?: string): Promise<void>;
  /** A random password; `excludeCharacters` are never in it (empty: letters and digits only). */
  getRandomPassword(length: number, excludePunctuation: boolean, excludeCharacters?: string): Promise<string>;
}

export interface Logger {
  info(message: string): void;
}

export const SILENT: Logger = { info: () => undefined };

/** Thrown for a request the function must refuse (rotation off, unknown version, bad step, bad value). */
export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

/**
 * The checks AWS's templates make before any step. Resolves to the step to run, or undefined when
 * the version is already AWSCURRENT (nothing to do).
 */
export async function checkRotationRequest(event: RotationEvent, secrets: SecretsManagerPort, log: Logger): Promise<RotationStep | undefined> {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  if (!arn || !token || !step) {
    throw new RotationError('event must carry Step, SecretId and ClientRequestToken');
  }
  if (!(ROTATION_STEPS as string[]).includes(step)) {
    throw new RotationError(`invalid step '${step}'; expected one of ${ROTATION_STEPS.join(', ')}`);
  }
  const metadata = await secrets.describeSecret(arn);
  if (!metadata.rotationEnabled) {
    throw new RotationError(`secret ${arn} is not enabled for rotation`);
  }
  const stages = metadata.versionIdsToStages[token];
  if (stages === undefined) {
    throw new RotationError(`secret version ${token} has no stage for rotation of secret ${arn}`);
  }
  if (stages.includes(AWSCURRENT)) {
    log.info(`${step}: version ${token} is already AWSCURRENT for ${arn}; nothing to do`);
    return undefined;
  }
  if (!stages.includes(AWSPENDING)) {
    throw new RotationError(`secret version ${token} is not set as AWSPENDING for rotation of secret ${arn}`);
  }
  return step as RotationStep;
}

/** The three steps a rotation function implements itself; finishSecret is the same for all. */
export interface StepHandlers {
  createSecret(arn: string, token: string): Promise<void>;
  setSecret(arn: string, token: string): Promise<void>;
  testSecret(arn: string, token: string): Promise<void>;
}

/** Entry point of every rotation function: the checks AWS's templates make, then the step. */
export async function runRotationStep(event: RotationEvent, secrets: SecretsManagerPort, log: Logger, steps: StepHandlers): Promise<void> {
  const step = await checkRotationRequest(event, secrets, log);
  const { SecretId: arn, ClientRequestToken: token } = event;
  switch (step) {
    case undefined:
      return;
    case 'finishSecret':
      return finishSecret(arn, token, secrets, log);
    default:
      return steps[step](arn, token);
  }
}

/** Move AWSCURRENT to the new version (Secrets Manager then labels the old one AWSPREVIOUS). */
export async function finishSecret(arn: string, token: string, secrets: SecretsManagerPort, log: Logger): Promise<void> {
  const metadata = await secrets.describeSecret(arn);
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
  await secrets.updateSecretVersionStage(arn, AWSCURRENT, token, currentVersion);
  log.info(`finishSecret: moved AWSCURRENT to version ${token} from ${currentVersion ?? '(none)'}`);
}

/** The AWSPENDING value of the request's version; createSecret must have stored it. */
export async function requirePending(arn: string, token: string, secrets: SecretsManagerPort): Promise<SecretVersionValue> {
  const pending = await secrets.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING });
  if (pending === undefined) {
    throw new RotationError(`no AWSPENDING value for version ${token} of secret ${arn}; createSecret must run first`);
  }
  return pending;
}

/** The AWSCURRENT value; a secret being rotated always has one. */
export async function requireCurrent(arn: string, secrets: SecretsManagerPort): Promise<SecretVersionValue> {
  const current = await secrets.getSecretValue(arn, { versionStage: AWSCURRENT });
  if (current === undefined) {
    throw new RotationError(`secret ${arn} has no AWSCURRENT value to rotate from`);
  }
  return current;
}

/** A secret value that must be a JSON object; the error names the stage, never the value. */
export function parseObject(secretString: string, arn: string, stage: string): Record<string, unknown> {
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
