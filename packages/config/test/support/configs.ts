import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../src';

/** The repository's config/ directory. */
export const CONFIG_DIR = join(__dirname, '..', '..', '..', '..', 'config');

/** A valid dev-like config; each test breaks one thing. */
export function validConfig(): any {
  return {
    environment: 'dev',
    securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
    principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'], cdkQualifier: 'grdtest' },
    workloadAccounts: [{ name: 'payments', accountId: '222222222222', regions: ['eu-west-1'] }],
    s3: { encryption: 'SSE_S3' },
    compliance: { waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' },
    removalPolicy: 'destroy',
  };
}

/** The loader's message for a config it must reject (fails the test if it accepts it). */
export function problemsOf(raw: unknown, env = 'dev'): string {
  try {
    parseConfig(raw, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be rejected');
}
