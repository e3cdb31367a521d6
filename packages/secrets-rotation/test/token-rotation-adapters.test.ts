import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { lambdaHookPort, secretsManagerPort, settingsFromEnv } from '../lambda-src/token-rotation';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf';

/** A client whose send() answers from a function and records the commands. */
function fakeClient(answer: (command: any) => any) {
  const sent: any[] = [];
  return {
    sent,
    async send(command: unknown) {
      sent.push(command);
      return answer(command);
    },
  };
}

describe('Secrets Manager adapter', () => {
  test('GetSecretValue maps ResourceNotFoundException to "no value"', async () => {
    const client = fakeClient(() => {
      throw new ResourceNotFoundException({ message: 'not found', $metadata: {} });
    });
    await expect(secretsManagerPort(client).getSecretValue(ARN, { versionId: 't', versionStage: 'AWSPENDING' })).resolves.toBeUndefined();
    expect(client.sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect(client.sent[0].input).toEqual({ SecretId: ARN, VersionId: 't', VersionStage: 'AWSPENDING' });
  });

  test('GetSecretValue rethrows any other error', async () => {
    const client = fakeClient(() => {
      throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    });
    await expect(secretsManagerPort(client).getSecretValue(ARN, { versionStage: 'AWSCURRENT' })).rejects.toThrow(/denied/);
  });

  test('PutSecretValue, UpdateSecretVersionStage and GetRandomPassword send the expected requests', async () => {
    const client = fakeClient((c) => (c instanceof GetRandomPasswordCommand ? { RandomPassword: 'abc123' } : {}));
    const port = secretsManagerPort(client);
    await port.putSecretValue(ARN, 'tok', '{"apiKey":"x"}', ['AWSPENDING']);
    await port.updateSecretVersionStage(ARN, 'AWSCURRENT', 'tok', 'old');
    await expect(port.getRandomPassword(40, true)).resolves.toBe('abc123');
    expect(client.sent[0]).toBeInstanceOf(PutSecretValueCommand);
    expect(client.sent[0].input).toEqual({ SecretId: ARN, ClientRequestToken: 'tok', SecretString: '{"apiKey":"x"}', VersionStages: ['AWSPENDING'] });
    expect(client.sent[1]).toBeInstanceOf(UpdateSecretVersionStageCommand);
    expect(client.sent[1].input).toEqual({ SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: 'tok', RemoveFromVersionId: 'old' });
    expect(client.sent[2].input).toEqual({ PasswordLength: 40, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true });
  });
});

describe('hook adapter', () => {
  test('invokes the hook synchronously with the JSON payload', async () => {
    const client = fakeClient(() => ({ StatusCode: 200 }));
    await lambdaHookPort(client, 'arn:aws:lambda:eu-west-1:111111111111:function:hook').invoke({
      step: 'setSecret',
      secretArn: ARN,
      clientRequestToken: 'tok',
    });
    expect(client.sent[0]).toBeInstanceOf(InvokeCommand);
    expect(client.sent[0].input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(client.sent[0].input.Payload))).toEqual({ step: 'setSecret', secretArn: ARN, clientRequestToken: 'tok' });
  });

  test('a function error of the hook fails the step', async () => {
    const client = fakeClient(() => ({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorMessage":"issuer down"}') }));
    await expect(lambdaHookPort(client, 'hook').invoke({ step: 'testSecret', secretArn: ARN, clientRequestToken: 'tok' })).rejects.toThrow(
      /hook hook failed the testSecret step \(Unhandled\): .*issuer down/,
    );
  });
});

describe('settings from the environment', () => {
  test('reads the field and length', () => {
    expect(settingsFromEnv({ VALUE_FIELD: 'token', VALUE_LENGTH: '64' })).toEqual({ valueField: 'token', valueLength: 64 });
  });

  test('fails if VALUE_LENGTH is not a valid length', () => {
    expect(() => settingsFromEnv({ VALUE_FIELD: 'token', VALUE_LENGTH: 'abc' })).toThrow(/VALUE_LENGTH must be an integer from 1 to 4096, got 'abc'/);
  });

  test('fails if VALUE_FIELD is missing', () => {
    expect(() => settingsFromEnv({ VALUE_LENGTH: '64' })).toThrow(/VALUE_FIELD is not set/);
  });
});
