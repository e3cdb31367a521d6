import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GuardrailsConfig } from '@cdk-guardrails/config';

/**
 * What validate-policies checks with IAM Access Analyzer for this environment (config
 * `policyValidation`), written beside the assemblies as cdk.out/<env>/policy-validation.json:
 * the CLI reads it there, so `npm run validate:policies -- cdk.out/<env>` needs no config of its own.
 */
export function writePolicyValidationSettings(config: GuardrailsConfig, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ accessNotGranted: config.policyValidation.accessNotGranted }, null, 2) + '\n');
}
