/**
 * Rotation function of RotatingApiKey and RotatingServiceToken.
 *
 * Environment:
 *   VALUE_FIELD        JSON field holding the token (for example "apiKey")
 *   VALUE_LENGTH       length of a generated token
 *   HOOK_FUNCTION_ARN  optional Lambda invoked for setSecret and testSecret
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { HookPayload, HookPort, rotate, RotationEvent, SecretsManagerPort, TokenSettings } from './rotation';

interface Sender {
  send(command: unknown): Promise<any>;
}

/** Secrets Manager through the AWS SDK v3. */
export function secretsManagerPort(client: Sender): SecretsManagerPort {
  return {
    async describeSecret(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: out.RotationEnabled === true, versionIdsToStages: out.VersionIdsToStages ?? {} };
    },
    async getSecretValue(secretId, selector) {
      try {
        const out = await client.send(new GetSecretValueCommand({
          SecretId: secretId,
          VersionId: selector.versionId,
          VersionStage: selector.versionStage,
        }));
        return { versionId: out.VersionId, secretString: out.SecretString ?? '' };
      } catch (err) {
        if (err instanceof ResourceNotFoundException || (err as { name?: string }).name === 'ResourceNotFoundException') {
          return undefined;
        }
        throw err;
      }
    },
    async putSecretValue(secretId, clientRequestToken, secretString, versionStages) {
      await client.send(new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: clientRequestToken,
        SecretString: secretString,
        VersionStages: versionStages,
      }));
    },
    async updateSecretVersionStage(secretId, versionStage, moveToVersionId, removeFromVersionId) {
      await client.send(new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: versionStage,
        MoveToVersionId: moveToVersionId,
        RemoveFromVersionId: removeFromVersionId,
      }));
    },
    async getRandomPassword(length, excludePunctuation) {
      const out = await client.send(new GetRandomPasswordCommand({
        PasswordLength: length,
        ExcludePunctuation: excludePunctuation,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      }));
      if (!out.RandomPassword) {
        throw new Error('GetRandomPassword returned no password');
      }
      return out.RandomPassword;
    },
  };
}

/** The user's hook through a synchronous Lambda invocation; a function error fails the step. */
export function lambdaHookPort(client: Sender, functionArn: string): HookPort {
  return {
    async invoke(payload: HookPayload) {
      const out = await client.send(new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }));
      if (out.FunctionError) {
        const detail = out.Payload ? new TextDecoder().decode(out.Payload) : '';
        throw new Error(`hook ${functionArn} failed the ${payload.step} step (${out.FunctionError}): ${detail.slice(0, 500)}`);
      }
    },
  };
}

/** Reads the function's settings; fails fast on a broken deployment. */
export function settingsFromEnv(env: Record<string, string | undefined>): TokenSettings {
  const valueField = env.VALUE_FIELD;
  const valueLength = Number(env.VALUE_LENGTH);
  if (!valueField) {
    throw new Error('VALUE_FIELD is not set');
  }
  if (!Number.isInteger(valueLength) || valueLength < 1 || valueLength > 4096) {
    throw new Error(`VALUE_LENGTH must be an integer from 1 to 4096, got '${env.VALUE_LENGTH}'`);
  }
  return { valueField, valueLength };
}

const secretsClient = new SecretsManagerClient({});
const lambdaClient = new LambdaClient({});

export async function handler(event: RotationEvent): Promise<void> {
  const hookArn = process.env.HOOK_FUNCTION_ARN;
  await rotate(event, {
    secrets: secretsManagerPort(secretsClient),
    hook: hookArn ? lambdaHookPort(lambdaClient, hookArn) : undefined,
    settings: settingsFromEnv(process.env),
    logger: { info: (message) => console.log(JSON.stringify({ step: event.Step, secretId: event.SecretId, message })) },
  });
}
