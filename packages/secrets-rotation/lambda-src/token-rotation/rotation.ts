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

import {
  AWSCURRENT,
  AWSPENDING,
  runRotationStep,
  Logger,
  parseObject,
  requireCurrent,
  requirePending,
  RotationError,
  RotationEvent,
  SecretsManagerPort,
  SILENT,
} from '../shared/steps';

export { AWSCURRENT, AWSPENDING, AWSPREVIOUS, RotationError, ROTATION_STEPS } from '../shared/steps';
export type { Logger, RotationEvent, RotationStep, SecretDescription, SecretsManagerPort, SecretVersionValue } from '../shared/steps';

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

export interface RotationDependencies {
  readonly secrets: SecretsManagerPort;
  readonly hook?: HookPort;
  readonly settings: TokenSettings;
  readonly logger?: Logger;
}

/** Entry point: the checks AWS's templates make, then the step. */
export async function rotate(event: RotationEvent, deps: RotationDependencies): Promise<void> {
  const log = deps.logger ?? SILENT;
  await runRotationStep(event, deps.secrets, log, {
    createSecret: (arn, token) => createSecret(arn, token, deps, log),
    setSecret: (arn, token) => setSecret(arn, token, deps, log),
    testSecret: (arn, token) => testSecret(arn, token, deps, log),
  });
}

/** Generate a new token and store it as AWSPENDING under the request token, unless it already exists. */
async function createSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  const current = await requireCurrent(arn, deps.secrets);
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
  await requirePending(arn, token, deps.secrets);
  if (deps.hook === undefined) {
    log.info('setSecret: no hook configured; consumers read the token from the secret');
    return;
  }
  await deps.hook.invoke({ step: 'setSecret', secretArn: arn, clientRequestToken: token });
  log.info(`setSecret: hook accepted version ${token}`);
}

/** Check the pending token: through the hook if there is one, structurally otherwise. */
async function testSecret(arn: string, token: string, deps: RotationDependencies, log: Logger): Promise<void> {
  const pending = await requirePending(arn, token, deps.secrets);
  const fields = parseObject(pending.secretString, arn, AWSPENDING);
  const value = fields[deps.settings.valueField];
  if (typeof value !== 'string' || value.length !== deps.settings.valueLength || !/^[A-Za-z0-9]+$/.test(value)) {
    throw new RotationError(
      `testSecret: AWSPENDING field '${deps.settings.valueField}' of version ${token} is not a ${deps.settings.valueLength}-character alphanumeric token`,
    );
  }
  if (deps.hook !== undefined) {
    await deps.hook.invoke({ step: 'testSecret', secretArn: arn, clientRequestToken: token });
    log.info(`testSecret: hook confirmed version ${token}`);
    return;
  }
  log.info(`testSecret: version ${token} is well formed`);
}
