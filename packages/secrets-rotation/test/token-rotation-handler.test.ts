import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, rotate, RotationDependencies, RotationStep, ROTATION_STEPS } from '../lambda-src/token-rotation/rotation';
import { FakeSecretsManager, RecordingHook } from './support/fake-secrets-manager';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:api-key-AbCdEf';
const INITIAL = JSON.stringify({ clientId: 'partner-42', apiKey: 'A'.repeat(40) });
const TOKEN = 'token-0001';
const settings = { valueField: 'apiKey', valueLength: 40 };

function event(step: string, token = TOKEN) {
  return { Step: step, SecretId: ARN, ClientRequestToken: token };
}

/** Drive the four steps the way Secrets Manager does: in order, stopping at the first failure. */
async function runRotation(deps: RotationDependencies, token = TOKEN): Promise<{ failedAt?: RotationStep; error?: Error }> {
  for (const step of ROTATION_STEPS) {
    try {
      await rotate(event(step, token), deps);
    } catch (error) {
      return { failedAt: step, error: error as Error };
    }
  }
  return {};
}

describe('token rotation, the four steps', () => {
  test('a full rotation stores a new token as AWSCURRENT, keeps the other fields and labels the old version AWSPREVIOUS', async () => {
    // GIVEN
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    // WHEN
    const result = await runRotation({ secrets: sm, settings });
    // THEN
    expect(result).toEqual({});
    expect(sm.versionWith(AWSCURRENT)).toBe(TOKEN);
    expect(sm.versionWith(AWSPREVIOUS)).toBe('v-initial');
    const current = JSON.parse(sm.valueOf(AWSCURRENT)!);
    expect(current.clientId).toBe('partner-42');
    expect(current.apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(current.apiKey).not.toBe('A'.repeat(40));
    expect(JSON.parse(sm.valueOf(AWSPREVIOUS)!).apiKey).toBe('A'.repeat(40));
  });

  test('createSecret stores the generated value under the request token with AWSPENDING only', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await rotate(event('createSecret'), { secrets: sm, settings });
    expect(sm.calls).toContain(`PutSecretValue(${TOKEN},[AWSPENDING])`);
    expect(sm.stagesOf(TOKEN)).toEqual([AWSPENDING]);
    expect(sm.versionWith(AWSCURRENT)).toBe('v-initial');
  });

  test('a retried createSecret is a no-op: no second value is generated or stored', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await rotate(event('createSecret'), { secrets: sm, settings });
    const first = sm.valueOf(AWSPENDING);
    await rotate(event('createSecret'), { secrets: sm, settings });
    expect(sm.valueOf(AWSPENDING)).toBe(first);
    expect(sm.calls.filter((c) => c.startsWith('PutSecretValue'))).toHaveLength(1);
    expect(sm.calls.filter((c) => c === 'GetRandomPassword')).toHaveLength(1);
  });

  test('a retried finishSecret is a no-op once the token is AWSCURRENT', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await runRotation({ secrets: sm, settings });
    const before = sm.calls.length;
    await rotate(event('finishSecret'), { secrets: sm, settings });
    expect(sm.calls.slice(before).filter((c) => c.startsWith('UpdateSecretVersionStage'))).toEqual([]);
    expect(sm.versionWith(AWSCURRENT)).toBe(TOKEN);
    expect(sm.versionWith(AWSPREVIOUS)).toBe('v-initial');
  });

  test('finishSecret moves AWSCURRENT from the old version to the token', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await rotate(event('createSecret'), { secrets: sm, settings });
    await rotate(event('finishSecret'), { secrets: sm, settings });
    expect(sm.calls).toContain(`UpdateSecretVersionStage(AWSCURRENT,${TOKEN},v-initial)`);
  });

  test('every step is a no-op when the token is already AWSCURRENT (a late retry)', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    const hook = new RecordingHook();
    await runRotation({ secrets: sm, settings, hook });
    const before = { calls: sm.calls.length, payloads: hook.payloads.length };
    for (const step of ROTATION_STEPS) {
      await rotate(event(step), { secrets: sm, settings, hook });
    }
    expect(sm.calls.slice(before.calls).every((c) => c === 'DescribeSecret')).toBe(true);
    expect(hook.payloads).toHaveLength(before.payloads);
  });

  test('createSecret takes AWSPENDING over from the empty version of an abandoned rotation', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation('token-abandoned');
    sm.startRotation(TOKEN);
    const result = await runRotation({ secrets: sm, settings });
    expect(result).toEqual({});
    expect(sm.versionWith(AWSCURRENT)).toBe(TOKEN);
  });
});

describe('token rotation, the hook', () => {
  test('the hook is invoked for setSecret and testSecret with the ARN and token, never the value', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    const hook = new RecordingHook();
    await runRotation({ secrets: sm, settings, hook });
    expect(hook.payloads).toEqual([
      { step: 'setSecret', secretArn: ARN, clientRequestToken: TOKEN },
      { step: 'testSecret', secretArn: ARN, clientRequestToken: TOKEN },
    ]);
    const newValue = JSON.parse(sm.valueOf(AWSCURRENT)!).apiKey as string;
    expect(JSON.stringify(hook.payloads)).not.toContain(newValue);
  });

  test('a failing testSecret hook leaves AWSCURRENT on the old value and the new value pending', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    const hook = new RecordingHook();
    hook.failOn = 'testSecret';
    const result = await runRotation({ secrets: sm, settings, hook });
    expect(result.failedAt).toBe('testSecret');
    expect(result.error?.message).toMatch(/hook rejected testSecret/);
    expect(sm.versionWith(AWSCURRENT)).toBe('v-initial');
    expect(sm.valueOf(AWSCURRENT)).toBe(INITIAL);
    expect(sm.versionWith(AWSPENDING)).toBe(TOKEN);
    expect(sm.calls.filter((c) => c.startsWith('UpdateSecretVersionStage'))).toEqual([]);
  });

  test('a failing setSecret hook stops the rotation before testSecret', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    const hook = new RecordingHook();
    hook.failOn = 'setSecret';
    const result = await runRotation({ secrets: sm, settings, hook });
    expect(result.failedAt).toBe('setSecret');
    expect(hook.payloads.map((p) => p.step)).toEqual(['setSecret']);
    expect(sm.versionWith(AWSCURRENT)).toBe('v-initial');
  });

  test('a rotation retried after a failed testSecret completes with the same pending value', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    const hook = new RecordingHook();
    hook.failOn = 'testSecret';
    await runRotation({ secrets: sm, settings, hook });
    const pending = sm.valueOf(AWSPENDING);
    hook.failOn = undefined;
    const result = await runRotation({ secrets: sm, settings, hook });
    expect(result).toEqual({});
    expect(sm.valueOf(AWSCURRENT)).toBe(pending);
  });
});

describe('token rotation, testSecret without a hook', () => {
  test('a malformed pending value fails testSecret and AWSCURRENT stays unchanged', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await rotate(event('createSecret'), { secrets: sm, settings });
    sm.setValue(TOKEN, JSON.stringify({ clientId: 'partner-42', apiKey: 'short' }));
    await expect(rotate(event('testSecret'), { secrets: sm, settings })).rejects.toThrow(/not a 40-character alphanumeric token/);
    expect(sm.versionWith(AWSCURRENT)).toBe('v-initial');
  });

  test('setSecret without a hook only checks that the pending value exists', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await expect(rotate(event('setSecret'), { secrets: sm, settings })).rejects.toThrow(/no AWSPENDING value/);
  });
});

describe('token rotation, entry checks', () => {
  test('fails if rotation is not enabled on the secret', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    sm.rotationEnabled = false;
    await expect(rotate(event('createSecret'), { secrets: sm, settings })).rejects.toThrow(/not enabled for rotation/);
  });

  test('fails if the token is not a version of the secret', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    await expect(rotate(event('createSecret', 'unknown'), { secrets: sm, settings })).rejects.toThrow(/has no stage for rotation/);
  });

  test('fails if the token version is not AWSPENDING', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    await sm.putSecretValue(ARN, 'token-labelled', INITIAL, ['SOMETHING_ELSE']);
    await expect(rotate(event('setSecret', 'token-labelled'), { secrets: sm, settings })).rejects.toThrow(/not set as AWSPENDING/);
  });

  test('fails on an unknown step', async () => {
    const sm = new FakeSecretsManager(ARN, INITIAL);
    sm.startRotation(TOKEN);
    await expect(rotate(event('deleteEverything'), { secrets: sm, settings })).rejects.toThrow(/invalid step 'deleteEverything'/);
  });

  test('fails if the current value is not a JSON object', async () => {
    const sm = new FakeSecretsManager(ARN, 'plain-text');
    sm.startRotation(TOKEN);
    await expect(rotate(event('createSecret'), { secrets: sm, settings })).rejects.toThrow(/AWSCURRENT value .* is not JSON/);
  });
});
