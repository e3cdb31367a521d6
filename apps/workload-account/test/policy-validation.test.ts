import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardrailsConfig, loadConfig } from '@cdk-guardrails/config';
import { writePolicyValidationSettings } from '../src/policy-validation';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

test('synth writes config policyValidation beside the assemblies, where validate-policies reads it', () => {
  // GIVEN
  const dir = mkdtempSync(join(tmpdir(), 'policy-validation-'));
  const config: GuardrailsConfig = {
    ...loadConfig('prod', { configDir: CONFIG_DIR }),
    policyValidation: { accessNotGranted: ['kms:PutKeyPolicy', 'iam:Pass*'] },
  };

  try {
    // WHEN
    writePolicyValidationSettings(config, join(dir, 'prod', 'policy-validation.json'));

    // THEN
    expect(JSON.parse(readFileSync(join(dir, 'prod', 'policy-validation.json'), 'utf8'))).toEqual({ accessNotGranted: ['kms:PutKeyPolicy', 'iam:Pass*'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
