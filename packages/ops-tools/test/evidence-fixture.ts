// A synthesized environment in miniature for the evidence tests: a compliance report with two app
// sections (the shape ComplianceReport writes) and the templates it names, in a temporary directory.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { collectEvidence, EnvironmentEvidence, loadCatalogue, ROOT } from '../src';

/** The rule packs the apps register (compliancePlugins and LeastPrivilegeValidationPlugin). */
export const ALL_PACKS = [
  'AwsSolutions',
  'NIST.800.53.R5',
  'PCI.DSS.321',
  'HIPAA.Security',
  'cdk-validator-cfnguard',
  'Guardrails',
  'cdk-guardrails-least-privilege',
];

export const TODAY = '2026-12-04';

export interface FixtureFinding {
  readonly plugin: string;
  readonly ruleId: string;
  readonly controlId?: string;
  readonly constructPath: string;
  readonly acknowledged: boolean;
  readonly owner?: string;
  readonly expires?: string;
  readonly reason?: string;
}

export interface FixtureOptions {
  readonly findings?: FixtureFinding[];
  /** Rule packs listed in each section; `null` leaves the list out (a report of an older synth). */
  readonly plugins?: string[] | null;
  /** An error of the workload section (synthesis failed before the plugins ran). */
  readonly error?: string;
  /** Policy-validator suppressions on the workload role. */
  readonly suppressions?: Array<{ rule: string; reason: string; owner?: string; expires?: string }>;
}

/** A waived CT.S3.PR.10 finding: an access-log bucket kept on SSE-S3. */
export const WAIVED_KMS_DEFAULT: FixtureFinding = {
  plugin: 'cdk-validator-cfnguard',
  ruleId: 's3_bucket_default_encryption_kms_check',
  controlId: 'CT.S3.PR.10',
  constructPath: 'dev-workload-a-eu-west-1/AccessLogBucket/Resource',
  acknowledged: true,
  owner: 'platform-security',
  expires: '2027-01-31',
  reason: 'S3 server access logging delivers only to SSE-S3 buckets',
};

/** An open finding: a role without the permissions boundary. */
export const OPEN_BOUNDARY: FixtureFinding = {
  plugin: 'Guardrails',
  ruleId: 'Guardrails-IamRolePermissionsBoundary',
  constructPath: 'dev-workload-a-eu-west-1/AppRole/Resource',
  acknowledged: false,
  reason: undefined,
};

/** Writes the fixture; returns the report directory (`<tmp>/dev`) and the parsed report. */
export function writeFixture(options: FixtureOptions = {}): { dir: string; report: any } {
  const dir = join(mkdtempSync(join(tmpdir(), 'evidence-')), 'dev');
  mkdirSync(join(dir, 'security-account'), { recursive: true });
  mkdirSync(join(dir, 'workload-account'), { recursive: true });
  const security = {
    Resources: {
      DataKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Hub: { Type: 'AWS::SecurityHub::Hub', Properties: {} },
    },
  };
  const workload = {
    Resources: {
      DataBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      AccessLogBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      DataBucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: {} },
      AppRole: {
        Type: 'AWS::IAM::Role',
        Properties: {},
        Metadata: {
          'aws:cdk:path': 'dev-workload-a-eu-west-1/AppRole/Resource',
          ...(options.suppressions ? { guardrails_policy_validator: { suppressions: options.suppressions } } : {}),
        },
      },
    },
  };
  writeFileSync(join(dir, 'security-account', 'dev-security-eu-west-1.template.json'), JSON.stringify(security));
  writeFileSync(join(dir, 'workload-account', 'dev-workload-a-eu-west-1.template.json'), JSON.stringify(workload));
  const plugins = options.plugins === null ? {} : { plugins: options.plugins ?? ALL_PACKS };
  const findings = options.findings ?? [];
  const section = (app: string, stack: string, error?: string) => ({
    app,
    environment: 'dev',
    generatedAt: app === 'security-account' ? '2026-12-04T10:00:00.000Z' : '2026-12-04T10:01:00.000Z',
    passed: error === undefined && findings.every((f) => f.acknowledged),
    ...(error ? { error } : {}),
    findings: findings.filter((f) => f.constructPath.startsWith(stack)),
    unusedAcknowledgements: [],
    expiringWaivers: [],
    waiverProblems: [],
    ...plugins,
    templates: { [stack]: `${app}/${stack}.template.json` },
  });
  const report = {
    environment: 'dev',
    apps: {
      'security-account': section('security-account', 'dev-security-eu-west-1'),
      'workload-account': section('workload-account', 'dev-workload-a-eu-west-1', options.error),
    },
  };
  writeFileSync(join(dir, 'compliance-report.json'), JSON.stringify(report));
  return { dir, report };
}

/** The repository's catalogue and the dev config: the fixture's report is read against them. */
export const catalogue = loadCatalogue();
export const config = loadConfig('dev', { configDir: join(ROOT, 'config') });

/** The evidence of a fresh fixture, judged on TODAY. */
export function evidenceOf(options: FixtureOptions = {}): EnvironmentEvidence {
  const { dir, report } = writeFixture(options);
  return collectEvidence({ catalogue, report, reportDirectory: dir, config, today: TODAY });
}
