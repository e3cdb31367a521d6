import { KeyChoices } from '@cdk-guardrails/config';
import { KeySource } from '@cdk-guardrails/kms-hierarchy';

/** Config key choices (an ARN to import, or nothing to create) as kms-hierarchy KeySources. */
export function keySources(choices: KeyChoices): { dataKey: KeySource; secretsKey: KeySource; logsKey: KeySource } {
  const source = (arn: string | undefined) => (arn ? KeySource.fromKeyArn(arn) : KeySource.create());
  return { dataKey: source(choices.data), secretsKey: source(choices.secrets), logsKey: source(choices.logs) };
}
