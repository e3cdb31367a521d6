/** The Secrets Manager port through the AWS SDK v3 (bundled, at the version in package-lock.json). */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManagerPort } from './steps';

export interface Sender {
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
        const out = await client.send(
          new GetSecretValueCommand({
            SecretId: secretId,
            VersionId: selector.versionId,
            VersionStage: selector.versionStage,
          }),
        );
        return { versionId: out.VersionId, secretString: out.SecretString ?? '' };
      } catch (err) {
        if (err instanceof ResourceNotFoundException || (err as { name?: string }).name === 'ResourceNotFoundException') {
          return undefined;
        }
        throw err;
      }
    },
    async putSecretValue(secretId, clientRequestToken, secretString, versionStages) {
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: clientRequestToken,
          SecretString: secretString,
          VersionStages: versionStages,
        }),
      );
    },
    async updateSecretVersionStage(secretId, versionStage, moveToVersionId, removeFromVersionId) {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: versionStage,
          MoveToVersionId: moveToVersionId,
          RemoveFromVersionId: removeFromVersionId,
        }),
      );
    },
    async getRandomPassword(length, excludePunctuation, excludeCharacters) {
      const out = await client.send(
        new GetRandomPasswordCommand({
          PasswordLength: length,
          ExcludePunctuation: excludePunctuation,
          ExcludeCharacters: excludeCharacters === '' ? undefined : excludeCharacters,
          IncludeSpace: false,
          RequireEachIncludedType: true,
        }),
      );
      if (!out.RandomPassword) {
        throw new Error('GetRandomPassword returned no password');
      }
      return out.RandomPassword;
    },
  };
}
