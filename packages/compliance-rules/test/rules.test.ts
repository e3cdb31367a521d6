import { Duration } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as rules from '../lib/rules';

// The cdk-nag convention: every rule is exported under its rule id (PascalCase), and the rule
// function carries that id as its name (the finding id is `Guardrails-<name>`). A configurable
// rule is a factory of the same name that returns the configured rule.
const configured: Record<string, () => (...args: any[]) => unknown> = {
  SecretRotationWithinClassLimit: () => rules.SecretRotationWithinClassLimit({ database: Duration.days(30), token: Duration.days(90) }),
  LogGroupClassRetentionAndKey: () => rules.LogGroupClassRetentionAndKey([]),
  IamRolePermissionsBoundary: () => rules.IamRolePermissionsBoundary(),
  LogGroupShippedToCentralAccount: () => rules.LogGroupShippedToCentralAccount({ destinationAccountId: '555555555555', logGroupNamePatterns: ['audit'] }),
  SecurityHubStandardsEnabled: () => rules.SecurityHubStandardsEnabled({ standardsArnPaths: [] }),
};

const exported = Object.entries(rules).filter(([, value]) => typeof value === 'function');

test('every rule export is named by its rule id, as in cdk-nag', () => {
  expect(exported.map(([name]) => name).sort()).toEqual([
    'IamCrossAccountTrustExternalId',
    'IamHumanRoleRequiresMfa',
    'IamRolePermissionsBoundary',
    'KmsKeyPolicyAdminOnly',
    'LogGroupClassRetentionAndKey',
    'LogGroupShippedToCentralAccount',
    'S3BucketBlocksSseC',
    'S3BucketPolicyEnforcesEncryption',
    'SecretRotationWithinClassLimit',
    'SecurityHubStandardsEnabled',
  ]);
  for (const [name, value] of exported) {
    const rule = configured[name] ? configured[name]() : value;
    expect(rule.name).toBe(name);
  }
});

test('the README names every rule export with its rule id', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  for (const [name] of exported) {
    expect(readme).toContain(`\`Guardrails-${name}\``);
    expect(readme).toContain(configured[name] ? `\`${name}(` : `\`${name}\``);
  }
});
