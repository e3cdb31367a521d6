import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  HookPayload,
  HookPort,
  SecretDescription,
  SecretsManagerPort,
  SecretVersionValue,
} from '../../lambda-src/token-rotation/rotation';

interface Version {
  value?: string;
  stages: Set<string>;
}

/**
 * An in-memory Secrets Manager with the staging-label semantics the rotation function
 * relies on (one secret):
 * - a staging label is attached to at most one version; PutSecretValue with VersionStages
 *   moves the labels to the new version;
 * - UpdateSecretVersionStage refuses to move a label attached elsewhere unless
 *   RemoveFromVersionId names that version, and moving AWSCURRENT puts AWSPREVIOUS on the
 *   version it came from;
 * - PutSecretValue with an existing ClientRequestToken and the same value is a no-op,
 *   with a different value an error (ResourceExistsException);
 * - GetSecretValue of a version without a value, or without the asked stage, is "not found".
 */
export class FakeSecretsManager implements SecretsManagerPort {
  public readonly calls: string[] = [];
  public rotationEnabled = true;
  private readonly versions = new Map<string, Version>();
  private passwordCounter = 0;

  constructor(
    public readonly arn: string,
    initialValue: string,
    initialVersionId = 'v-initial',
  ) {
    this.versions.set(initialVersionId, { value: initialValue, stages: new Set([AWSCURRENT]) });
  }

  /** What RotateSecret does before invoking the function: a new version id labelled AWSPENDING, no value yet. */
  public startRotation(token: string): void {
    this.detach(AWSPENDING);
    this.versions.set(token, { stages: new Set([AWSPENDING]) });
  }

  public versionWith(stage: string): string | undefined {
    for (const [id, v] of this.versions) {
      if (v.stages.has(stage)) return id;
    }
    return undefined;
  }

  public valueOf(stage: string): string | undefined {
    const id = this.versionWith(stage);
    return id === undefined ? undefined : this.versions.get(id)!.value;
  }

  public stagesOf(versionId: string): string[] {
    return [...(this.versions.get(versionId)?.stages ?? [])].sort();
  }

  /** Test hook: overwrite the stored value of a version (to simulate corruption). */
  public setValue(versionId: string, value: string): void {
    this.versions.get(versionId)!.value = value;
  }

  async describeSecret(secretId: string): Promise<SecretDescription> {
    this.check(secretId);
    this.calls.push('DescribeSecret');
    const versionIdsToStages: Record<string, string[]> = {};
    for (const [id, v] of this.versions) {
      if (v.stages.size > 0) versionIdsToStages[id] = [...v.stages];
    }
    return { rotationEnabled: this.rotationEnabled, versionIdsToStages };
  }

  async getSecretValue(secretId: string, selector: { versionId?: string; versionStage: string }): Promise<SecretVersionValue | undefined> {
    this.check(secretId);
    this.calls.push(`GetSecretValue(${selector.versionId ?? ''}/${selector.versionStage})`);
    const id = selector.versionId ?? this.versionWith(selector.versionStage);
    const v = id === undefined ? undefined : this.versions.get(id);
    if (id === undefined || v === undefined || v.value === undefined || !v.stages.has(selector.versionStage)) {
      return undefined;
    }
    return { versionId: id, secretString: v.value };
  }

  async putSecretValue(secretId: string, token: string, secretString: string, versionStages: string[]): Promise<void> {
    this.check(secretId);
    this.calls.push(`PutSecretValue(${token},[${versionStages.join(',')}])`);
    const existing = this.versions.get(token);
    if (existing?.value !== undefined) {
      if (existing.value !== secretString) {
        throw Object.assign(new Error(`version ${token} already exists with another value`), { name: 'ResourceExistsException' });
      }
      return;
    }
    for (const stage of versionStages) this.detach(stage);
    const version = existing ?? { stages: new Set<string>() };
    version.value = secretString;
    versionStages.forEach((s) => version.stages.add(s));
    this.versions.set(token, version);
  }

  async updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<void> {
    this.check(secretId);
    this.calls.push(`UpdateSecretVersionStage(${stage},${moveTo},${removeFrom ?? ''})`);
    const holder = this.versionWith(stage);
    if (holder !== undefined && holder !== moveTo && holder !== removeFrom) {
      throw Object.assign(new Error(`${stage} is attached to ${holder}; RemoveFromVersionId must name it`), { name: 'InvalidParameterException' });
    }
    if (!this.versions.has(moveTo)) {
      throw Object.assign(new Error(`no version ${moveTo}`), { name: 'ResourceNotFoundException' });
    }
    if (removeFrom !== undefined) this.versions.get(removeFrom)?.stages.delete(stage);
    this.versions.get(moveTo)!.stages.add(stage);
    if (stage === AWSCURRENT && removeFrom !== undefined && removeFrom !== moveTo) {
      this.detach(AWSPREVIOUS);
      this.versions.get(removeFrom)!.stages.add(AWSPREVIOUS);
    }
  }

  /** The exclusions of the last GetRandomPassword call. */
  public lastExcludeCharacters?: string;

  async getRandomPassword(length: number, excludePunctuation: boolean, excludeCharacters = ''): Promise<string> {
    this.calls.push('GetRandomPassword');
    this.lastExcludeCharacters = excludeCharacters;
    this.passwordCounter += 1;
    // Deterministic, and like Secrets Manager's: letters, digits and (unless excluded) punctuation.
    const punctuation = excludePunctuation ? '' : '!#$%&()*+,-./:;<=>?@[]^_`{|}~\'"\\';
    const alphabet = [...`ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${punctuation}`].filter((c) => !excludeCharacters.includes(c)).join('');
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[(i * 7 + this.passwordCounter * 13) % alphabet.length];
    return out;
  }

  private detach(stage: string): void {
    for (const v of this.versions.values()) v.stages.delete(stage);
  }

  private check(secretId: string): void {
    if (secretId !== this.arn) throw Object.assign(new Error(`no secret ${secretId}`), { name: 'ResourceNotFoundException' });
  }
}

/** A hook that records its payloads and can be told to fail a step. */
export class RecordingHook implements HookPort {
  public readonly payloads: HookPayload[] = [];
  public failOn?: HookPayload['step'];

  async invoke(payload: HookPayload): Promise<void> {
    this.payloads.push(payload);
    if (payload.step === this.failOn) {
      throw new Error(`hook rejected ${payload.step}`);
    }
  }
}
