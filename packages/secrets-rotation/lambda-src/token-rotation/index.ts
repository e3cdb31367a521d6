/**
 * Rotation function of RotatingApiKey and RotatingServiceToken.
 *
 * Environment:
 *   VALUE_FIELD        JSON field holding the token (for example "apiKey")
 *   VALUE_LENGTH       length of a generated token
 *   HOOK_FUNCTION_ARN  optional Lambda invoked for setSecret and testSecret
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HookPayload, HookPort, rotate, RotationEvent, TokenSettings } from './rotation';
import { Sender, secretsManagerPort } from '../shared/sdk';

export { secretsManagerPort } from '../shared/sdk';

/** The user's hook through a synchronous Lambda invocation; a function error fails the step. */
export function lambdaHookPort(client: Sender, functionArn: string): HookPort {
  return {
    async invoke(payload: HookPayload) {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
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
