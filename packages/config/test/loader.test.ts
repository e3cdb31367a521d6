import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJsonSchema, dataKeySource, loadConfig, parseConfig } from '../src';
import { CONFIG_DIR, problemsOf, validConfig } from './support/configs';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('shipped configs', () => {
  test.each(['dev', 'staging', 'prod'])('config/%s.json is valid', (env) => {
    const config = loadConfig(env, { configDir: CONFIG_DIR });
    expect(config.environment).toBe(env);
  });

  test('dev uses SSE-S3, prod uses SSE-KMS and retains everything', () => {
    expect(loadConfig('dev', { configDir: CONFIG_DIR }).s3.encryption).toBe('SSE_S3');
    const prod = loadConfig('prod', { configDir: CONFIG_DIR });
    expect(prod.s3.encryption).toBe('SSE_KMS');
    expect(prod.removalPolicy).toBe('retain');
  });

  test('config/config.schema.json is generated from the zod schema and up to date (npm run config:schema)', () => {
    const committed = JSON.parse(readFileSync(join(CONFIG_DIR, 'config.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  test('every shipped config points its $schema at the generated schema', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const raw = JSON.parse(readFileSync(join(CONFIG_DIR, `${env}.json`), 'utf8'));
      expect(raw.$schema).toBe('./config.schema.json');
    }
  });
});

describe('defaults', () => {
  test('class retentions, rotation days and key sources default to the project guarantees', () => {
    const config = parseConfig(validConfig(), 'dev');
    expect(config.logging.retentionDays).toEqual({ audit: 3653, security: 90, app: 30 });
    expect(config.secrets.rotationDays).toEqual({ database: 30, apiKey: 90, serviceToken: 90 });
    expect(config.kms.rotationPeriodDays).toBe(365);
    expect(config.kms.keys.logs).toEqual({ source: 'create' });
    expect(dataKeySource(config)).toEqual({ source: 'create' });
  });

  test('under SSE_KMS the data key comes from s3.kmsKey', () => {
    const raw = validConfig();
    raw.s3 = {
      encryption: 'SSE_KMS',
      kmsKey: {
        source: 'import',
        imports: [
          { accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` },
          { accountId: '111111111111', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}` },
          { accountId: '222222222222', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:222222222222:key/${KEY_ID}` },
          { accountId: '222222222222', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:222222222222:key/${KEY_ID}` },
        ],
      },
    };
    expect(dataKeySource(parseConfig(raw, 'dev')).source).toBe('import');
  });
});

describe('invalid configs fail with the file, the field, the value and what is allowed', () => {
  test('fails on a malformed account id', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].accountId = '2222-2222';
    const message = problemsOf(raw);
    expect(message).toMatch(/config\/dev\.json/);
    expect(message).toMatch(/workloadAccounts\[0\]\.accountId: received "2222-2222"; expected a 12-digit AWS account id/);
  });

  test('fails on an account id given as a number', () => {
    const raw = validConfig();
    raw.securityAccount.accountId = 111111111111;
    expect(problemsOf(raw)).toMatch(/securityAccount\.accountId: received 111111111111; expected a 12-digit AWS account id/);
  });

  test('fails on an unknown region', () => {
    const raw = validConfig();
    raw.securityAccount.regions = ['eu-west-1', 'us-east-1', 'eu-westeros-1'];
    expect(problemsOf(raw)).toMatch(/securityAccount\.regions\[2\]: received "eu-westeros-1"; expected a known AWS region \(.*eu-west-1/);
  });

  test('fails on SSE_KMS with no key choice', () => {
    const raw = validConfig();
    raw.s3 = { encryption: 'SSE_KMS' };
    expect(problemsOf(raw)).toMatch(
      /s3\.kmsKey: received nothing \(the field is missing\)|s3\.kmsKey: received undefined; expected with s3\.encryption "SSE_KMS", a key choice/,
    );
  });

  test('fails on an unknown encryption mode', () => {
    const raw = validConfig();
    raw.s3 = { encryption: 'NONE' };
    expect(problemsOf(raw)).toMatch(/s3\.encryption: received "NONE"; expected .*SSE_S3.*SSE_KMS/);
  });

  test('fails on a data key set twice under SSE_KMS', () => {
    const raw = validConfig();
    raw.s3 = { encryption: 'SSE_KMS', kmsKey: { source: 'create' } };
    raw.kms = { keys: { data: { source: 'create' } } };
    expect(problemsOf(raw)).toMatch(/kms\.keys\.data: .*the data key is chosen by s3\.kmsKey/);
  });

  test('fails on an imported key ARN in another region', () => {
    const raw = validConfig();
    raw.kms = {
      keys: {
        logs: {
          source: 'import',
          imports: [
            { accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-central-1:111111111111:key/${KEY_ID}` },
            { accountId: '111111111111', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}` },
            { accountId: '222222222222', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:222222222222:key/${KEY_ID}` },
            { accountId: '222222222222', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:222222222222:key/${KEY_ID}` },
          ],
        },
      },
    };
    expect(problemsOf(raw)).toMatch(
      /kms\.keys\.logs\.imports\[0\]\.keyArn: received "arn:aws:kms:eu-central-1:111111111111:key\/[^"]+"; expected a key in account 111111111111 and region eu-west-1 \(this ARN is in account 111111111111, region eu-central-1\)/,
    );
  });

  test('fails on an imported key ARN in another account', () => {
    const raw = validConfig();
    raw.kms = {
      keys: {
        secrets: {
          source: 'import',
          imports: [
            { accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` },
            { accountId: '111111111111', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}` },
            { accountId: '222222222222', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:999999999999:key/${KEY_ID}` },
          ],
        },
      },
    };
    expect(problemsOf(raw)).toMatch(
      /kms\.keys\.secrets\.imports\[2\]\.keyArn: .*expected a key in account 222222222222 and region eu-west-1 \(this ARN is in account 999999999999/,
    );
  });

  test('fails on an import that leaves an account and region without a key', () => {
    const raw = validConfig();
    raw.kms = {
      keys: {
        logs: { source: 'import', imports: [{ accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` }] },
      },
    };
    const message = problemsOf(raw);
    expect(message).toMatch(/kms\.keys\.logs\.imports: .*account 111111111111 in us-east-1 has none/);
    expect(message).toMatch(/account 222222222222 in eu-west-1 has none/);
  });

  test('fails on an alias ARN where a key ARN is needed', () => {
    const raw = validConfig();
    raw.kms = {
      keys: {
        logs: { source: 'import', imports: [{ accountId: '111111111111', region: 'eu-west-1', keyArn: 'arn:aws:kms:eu-west-1:111111111111:alias/logs' }] },
      },
    };
    expect(problemsOf(raw)).toMatch(
      /kms\.keys\.logs\.imports\[0\]\.keyArn: received "arn:aws:kms:eu-west-1:111111111111:alias\/logs"; expected a KMS key ARN .*an alias ARN cannot pin a key/,
    );
  });

  test('fails with no security account', () => {
    const raw = validConfig();
    delete raw.securityAccount;
    expect(problemsOf(raw)).toMatch(/securityAccount: received nothing \(the field is missing\)/);
  });

  test('fails on the same account twice (security account as a workload)', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].accountId = '111111111111';
    expect(problemsOf(raw)).toMatch(
      /workloadAccounts\[0\]\.accountId: received "111111111111"; expected an account that appears once; it is already used by securityAccount\.accountId/,
    );
  });

  test('fails on the same workload account twice', () => {
    const raw = validConfig();
    raw.workloadAccounts.push({ name: 'ledger', accountId: '222222222222', regions: ['eu-west-1'] });
    expect(problemsOf(raw)).toMatch(
      /workloadAccounts\[1\]\.accountId: received "222222222222"; expected an account that appears once; it is already used by workloadAccounts\[0\]\.accountId/,
    );
  });

  test('fails on a retention that CloudWatch Logs does not allow', () => {
    const raw = validConfig();
    raw.logging = { retentionDays: { audit: 3650 } };
    expect(problemsOf(raw)).toMatch(/logging\.retentionDays\.audit: received 3650; expected a retention CloudWatch Logs allows: 1, 3, 5, .*3653 days/);
  });

  test('fails on an unknown field', () => {
    const raw = validConfig();
    raw.securityAccount.region = 'eu-west-1';
    expect(problemsOf(raw)).toMatch(/securityAccount\.region: received an unknown field; expected only the fields the schema defines .*remove "region"/);
  });

  test('fails on an unknown top-level field', () => {
    const raw = validConfig();
    raw.encryption = 'SSE_S3';
    expect(problemsOf(raw)).toMatch(/encryption: received an unknown field/);
  });

  test('fails on a workload region without a central destination', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].regions = ['eu-west-1', 'ap-southeast-2'];
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]\.regions\[1\]: received "ap-southeast-2"; expected a region listed in securityAccount\.regions/);
  });

  test('fails on a security account without us-east-1, where IAM changes are shipped', () => {
    const raw = validConfig();
    raw.securityAccount.regions = ['eu-west-1'];
    expect(problemsOf(raw)).toMatch(
      /securityAccount\.regions: received \["eu-west-1"\]; expected a list that includes us-east-1: IAM events reach EventBridge only there/,
    );
  });

  test('workload accounts always have a us-east-1 stack for IAM capture, so imported keys must cover it', () => {
    const raw = validConfig();
    raw.kms = {
      keys: {
        logs: {
          source: 'import',
          imports: [
            { accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` },
            { accountId: '111111111111', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}` },
            { accountId: '222222222222', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:222222222222:key/${KEY_ID}` },
          ],
        },
      },
    };
    expect(problemsOf(raw)).toMatch(/kms\.keys\.logs\.imports: .*account 222222222222 in us-east-1 has none/);
  });

  test('fails on a KMS rotation period outside 90-2560 days', () => {
    const raw = validConfig();
    raw.kms = { rotationPeriodDays: 30 };
    expect(problemsOf(raw)).toMatch(/kms\.rotationPeriodDays: received 30; expected at least 90 days/);
  });

  test('fails on a key alias prefix outside guardrails* (the boundary and the SCP protect only alias/guardrails*)', () => {
    const raw = validConfig();
    raw.kms = { aliasPrefix: 'acme-keys' };
    expect(problemsOf(raw)).toMatch(/kms\.aliasPrefix: received "?acme-keys"?; expected a prefix that starts with "guardrails"/);
    raw.kms = { aliasPrefix: 'guardrails-acme' };
    expect(() => parseConfig(raw, 'dev')).not.toThrow();
  });

  test('fails on trail readers outside the security account, as patterns, or without an external id', () => {
    const raw = validConfig();
    raw.auditLogs = { readers: { principalArns: ['arn:aws:iam::333333333333:role/Auditor'], externalId: 'trail-2026' } };
    expect(problemsOf(raw)).toMatch(
      /auditLogs\.readers\.principalArns\[0\]: received "arn:aws:iam::333333333333:role\/Auditor"; expected a role of the security account \(111111111111\)/,
    );
    raw.auditLogs = { readers: { principalArns: ['arn:aws:iam::111111111111:role/Audit*'], externalId: 'trail-2026' } };
    expect(problemsOf(raw)).toMatch(/auditLogs\.readers\.principalArns\[0\].*expected the exact ARN of an IAM role of the security account/);
    // Another partition: its ARN would match nothing the trust policy and the SCPs name (as R8-3 for the assumers).
    raw.auditLogs = { readers: { principalArns: ['arn:aws-us-gov:iam::111111111111:role/Auditor'], externalId: 'trail-2026' } };
    expect(problemsOf(raw)).toMatch(
      /auditLogs\.readers\.principalArns\[0\]: received "arn:aws-us-gov:iam::111111111111:role\/Auditor"; expected the exact ARN of an IAM role of the security account in the aws partition/,
    );
    raw.auditLogs = { readers: { principalArns: ['arn:aws:iam::111111111111:role/Auditor'] } };
    expect(problemsOf(raw)).toMatch(/auditLogs\.readers\.externalId/);
    raw.auditLogs = { readers: { principalArns: ['arn:aws:iam::111111111111:role/Auditor'], externalId: 'trail-2026' } };
    expect(parseConfig(raw, 'dev').auditLogs.readers).toEqual({
      principalArns: ['arn:aws:iam::111111111111:role/Auditor'],
      externalId: 'trail-2026',
      requireMfa: true,
    });
  });

  test('fails on a secret rotation above the Secrets Manager maximum', () => {
    const raw = validConfig();
    raw.secrets = { rotationDays: { apiKey: 1200 } };
    expect(problemsOf(raw)).toMatch(/secrets\.rotationDays\.apiKey: received 1200; expected at most 1000 days/);
  });

  test('fails on a prod log retention below its class (red15 R15-10); longer is accepted, and dev keeps its choice', () => {
    const raw = validConfig();
    raw.environment = 'prod';
    raw.removalPolicy = 'retain';
    raw.logging = { retentionDays: { audit: 1, security: 30, app: 14 } };
    const message = problemsOf(raw, 'prod');
    expect(message).toMatch(
      /logging\.retentionDays\.audit: received 1; expected at least 3653 days in a production environment \(the retention of the audit log class\)/,
    );
    expect(message).toMatch(/logging\.retentionDays\.security: received 30; expected at least 90 days/);
    expect(message).toMatch(/logging\.retentionDays\.app: received 14; expected at least 30 days/);
    raw.logging = { retentionDays: { audit: 3653, security: 180, app: 30 } };
    expect(parseConfig(raw, 'prod').logging.retentionDays).toEqual({ audit: 3653, security: 180, app: 30 });
    const dev = validConfig();
    dev.logging = { retentionDays: { audit: 1, security: 1, app: 1 } };
    expect(() => parseConfig(dev, 'dev')).not.toThrow();
  });

  test('fails on prod rotation above the class limit', () => {
    const raw = validConfig();
    raw.environment = 'prod';
    raw.removalPolicy = 'retain';
    raw.secrets = { rotationDays: { database: 45, serviceToken: 120 } };
    const message = problemsOf(raw, 'prod');
    expect(message).toMatch(/secrets\.rotationDays\.database: received 45; expected at most 30 days in a production environment/);
    expect(message).toMatch(/secrets\.rotationDays\.serviceToken: received 120; expected at most 90 days/);
  });

  test('fails on a prod API key without a registration hook (a key that rotates unannounced breaks its partner); a hook satisfies it', () => {
    const raw = validConfig();
    raw.environment = 'prod';
    raw.removalPolicy = 'retain';
    raw.workloadAccounts[0].apiKeys = ['partner-api'];
    expect(problemsOf(raw, 'prod')).toMatch(
      /workloadAccounts\[0\]\.apiKeys\[0\]: received "partner-api"; expected \{ "name", "registrationHook": \{ "functionName", "roleName" \} \} in a production environment: a key that rotates without a hook/,
    );
    raw.workloadAccounts[0].apiKeys = [{ name: 'partner-api', registrationHook: { functionName: 'register-key', roleName: 'register-key-role' } }];
    expect(parseConfig(raw, 'prod').workloadAccounts[0].apiKeys).toEqual([
      { name: 'partner-api', registrationHook: { functionName: 'register-key', roleName: 'register-key-role' } },
    ]);
    // outside production a bare name is fine
    const dev = validConfig();
    dev.workloadAccounts[0].apiKeys = ['partner-api'];
    expect(parseConfig(dev, 'dev').workloadAccounts[0].apiKeys).toEqual(['partner-api']);
  });

  test('fails on a malformed API key entry, naming the accepted shapes', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].apiKeys = [{ name: 'partner-api', registrationHook: { functionName: 'register key' } }];
    expect(problemsOf(raw)).toMatch(
      /workloadAccounts\[0\]\.apiKeys\[0\].*expected an API key name .* or \{ "name", "registrationHook": \{ "functionName", "roleName" \} \}/,
    );
  });

  test('fails on prod that does not retain stateful resources', () => {
    const raw = validConfig();
    raw.environment = 'prod';
    expect(problemsOf(raw, 'prod')).toMatch(/removalPolicy: received "destroy"; expected "retain" in a production environment/);
  });

  test('fails on an environment field that does not match the file name', () => {
    expect(problemsOf(validConfig(), 'staging')).toMatch(/environment: received "dev"; expected "staging", the name of the file/);
  });

  test('fails on a malformed CIDR', () => {
    const raw = validConfig();
    raw.network = { allowedSourceIpRanges: ['203.0.113.0/33'] };
    expect(problemsOf(raw)).toMatch(/network\.allowedSourceIpRanges\[0\]: received "203\.0\.113\.0\/33"; expected an IPv4 or IPv6 CIDR/);
  });

  test('fails on a database outside its account regions', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].databases = [
      {
        name: 'db',
        region: 'us-east-1',
        engine: 'postgres',
        host: 'h',
        username: 'app',
        vpcId: 'vpc-0a1b2c3d',
        availabilityZones: ['us-east-1a'],
        privateSubnetIds: ['subnet-0a1b2c3d'],
        securityGroupId: 'sg-0a1b2c3d',
      },
    ];
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]\.databases\[0\]\.region: received "us-east-1"; expected one of the account's regions \(eu-west-1\)/);
  });

  test('fails on an unsupported database engine', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].databases = [
      {
        name: 'db',
        region: 'eu-west-1',
        engine: 'db2',
        host: 'h',
        username: 'app',
        vpcId: 'vpc-0a1b2c3d',
        availabilityZones: ['eu-west-1a'],
        privateSubnetIds: ['subnet-0a1b2c3d'],
        securityGroupId: 'sg-0a1b2c3d',
      },
    ];
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]\.databases\[0\]\.engine: received "db2"; expected one of mysql, postgres/);
  });

  test('fails on a secret name used twice in one account', () => {
    const raw = validConfig();
    raw.workloadAccounts[0].apiKeys = ['partner'];
    raw.workloadAccounts[0].serviceTokens = ['partner'];
    expect(problemsOf(raw)).toMatch(/workloadAccounts\[0\]: received "partner"; expected each database, API key and service token name once per account/);
  });

  test('fails on a role-chained cross-account role with a session over 1 hour', () => {
    const raw = validConfig();
    raw.iam = {
      crossAccountRoles: [{ name: 'SecurityAudit', trustedAccountIds: ['111111111111'], externalId: 'sec-audit-2026', roleChaining: true, maxSessionHours: 4 }],
    };
    expect(problemsOf(raw)).toMatch(/iam\.crossAccountRoles\[0\]\.maxSessionHours: received 4; expected 1 when roleChaining is true/);
  });

  test('fails on a cross-account role that a governed account of the environment trusts without assumerRoleArns (red7 R7-5), and on an assumer of an untrusted account', () => {
    const raw = validConfig();
    raw.iam = { crossAccountRoles: [{ name: 'SecurityAudit', trustedAccountIds: ['111111111111'], externalId: 'sec-audit-2026' }] };
    expect(problemsOf(raw)).toMatch(
      /iam\.crossAccountRoles\[0\]\.assumerRoleArns: received nothing \(the field is missing\); expected the exact ARNs of the roles that assume SecurityAudit \(e\.g\. arn:aws:iam::111111111111:role\/<auditor>\): its trusted account 111111111111 is an account of this environment/,
    );
    raw.iam.crossAccountRoles[0].assumerRoleArns = ['arn:aws:iam::999999999999:role/auditor'];
    expect(problemsOf(raw)).toMatch(
      /iam\.crossAccountRoles\[0\]\.assumerRoleArns\[0\]: received "arn:aws:iam::999999999999:role\/auditor"; expected a role of a trusted account \(111111111111\)/,
    );
    raw.iam.crossAccountRoles[0].assumerRoleArns = ['arn:aws:iam::111111111111:role/*'];
    expect(problemsOf(raw)).toMatch(
      /iam\.crossAccountRoles\[0\]\.assumerRoleArns\[0\]: received "arn:aws:iam::111111111111:role\/\*"; expected the exact ARN of an IAM role/,
    );
    // Another partition: its ARN would match nothing the trust policy and the SCPs name (red8 R8-3).
    raw.iam.crossAccountRoles[0].assumerRoleArns = ['arn:aws-cn:iam::111111111111:role/auditor'];
    expect(problemsOf(raw)).toMatch(
      /iam\.crossAccountRoles\[0\]\.assumerRoleArns\[0\]: received "arn:aws-cn:iam::111111111111:role\/auditor"; expected the exact ARN of an IAM role of a trusted account in the aws partition/,
    );
    // Control: a role of the trusted account passes; an account outside the environment needs none.
    raw.iam.crossAccountRoles[0].assumerRoleArns = ['arn:aws:iam::111111111111:role/auditor'];
    raw.iam.assumerEntryRoleArns = ['arn:aws:iam::111111111111:role/auditors-sign-in'];
    expect(() => parseConfig(raw, 'dev')).not.toThrow();
    raw.iam = { crossAccountRoles: [{ name: 'VendorAudit', trustedAccountIds: ['999999999999'], externalId: 'vendor-2026' }] };
    expect(() => parseConfig(raw, 'dev')).not.toThrow();
  });

  test('iam.assumerEntryRoleArns (red9 R9-2): required when an assumer is a role of an environment account, each a role of an assumer account', () => {
    const raw = validConfig();
    raw.iam = {
      crossAccountRoles: [
        {
          name: 'SecurityAudit',
          trustedAccountIds: ['111111111111'],
          externalId: 'sec-audit-2026',
          assumerRoleArns: ['arn:aws:iam::111111111111:role/auditor'],
        },
      ],
    };
    expect(problemsOf(raw)).toMatch(
      /iam\.assumerEntryRoleArns: received nothing \(the field is missing\); expected the exact ARNs of the roles that may assume arn:aws:iam::111111111111:role\/auditor/,
    );
    raw.iam.assumerEntryRoleArns = ['arn:aws:iam::222222222222:role/auditors'];
    expect(problemsOf(raw)).toMatch(
      /iam\.assumerEntryRoleArns\[0\]: received "arn:aws:iam::222222222222:role\/auditors"; expected a role of an account of the assumers \(111111111111\)/,
    );
    raw.iam.assumerEntryRoleArns = ['arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*'];
    expect(problemsOf(raw)).toMatch(
      /iam\.assumerEntryRoleArns\[0\]: received ".*"; expected the exact ARN of an IAM role in the aws partition, its path included/,
    );
    raw.iam.assumerEntryRoleArns = ['arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Auditors_0123456789abcdef'];
    expect(parseConfig(raw, 'dev').iam.assumerEntryRoleArns).toHaveLength(1);
    // red11 R11-3: the entry roles are federated, so the roles the assumers reach cannot require AWS MFA
    raw.iam.crossAccountRoles[0].requireMfa = true;
    expect(problemsOf(raw)).toMatch(
      /iam\.crossAccountRoles\[0\]\.requireMfa: received true; expected false when the assumers are roles of this environment's accounts: .*carry no aws:MultiFactorAuthPresent/,
    );
    raw.iam.crossAccountRoles[0].requireMfa = false;
    // an assumer outside the environment's accounts (which the SCPs do not govern) needs none
    raw.iam = {
      crossAccountRoles: [
        { name: 'VendorAudit', trustedAccountIds: ['999999999999'], externalId: 'vendor-2026', assumerRoleArns: ['arn:aws:iam::999999999999:role/vendor'] },
      ],
    };
    expect(() => parseConfig(raw, 'dev')).not.toThrow();
    // ... and may require MFA: its assumers are not held to the entry roles
    raw.iam.crossAccountRoles[0].requireMfa = true;
    expect(() => parseConfig(raw, 'dev')).not.toThrow();
  });

  test('fails on a backup retention outside the vault lock bounds', () => {
    const raw = validConfig();
    raw.backup = { enabled: true, retentionDays: 7, vaultLock: { mode: 'compliance', minRetentionDays: 30 } };
    expect(problemsOf(raw)).toMatch(/backup\.retentionDays: received 7; expected a retention within the vault lock's bounds \(30-no maximum days\)/);
  });

  test('fails on a malformed organization id', () => {
    const raw = validConfig();
    raw.organizationId = 'org-123';
    expect(problemsOf(raw)).toMatch(/organizationId: received "org-123"; expected an AWS Organizations id/);
  });
});

describe('loadConfig', () => {
  test('fails for an environment without a file, listing the environments found', () => {
    expect(() => loadConfig('qa', { configDir: CONFIG_DIR })).toThrow(
      /No configuration for environment "qa": .*qa\.json does not exist\. Environments found: .*dev.*prod.*staging/,
    );
  });

  test('fails on a file that is not JSON, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'dev.json'), '{ "environment": ');
    expect(() => loadConfig('dev', { configDir: dir })).toThrow(/Invalid configuration in .*dev\.json: not valid JSON/);
  });

  test('fails on an environment name that is not a plain name', () => {
    expect(() => loadConfig('../etc/passwd', { configDir: CONFIG_DIR })).toThrow(/received "\.\.\/etc\/passwd"; expected a lower-case name/);
  });

  test('names the file in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const raw = validConfig();
    raw.securityAccount.accountId = 'x';
    writeFileSync(join(dir, 'dev.json'), JSON.stringify(raw));
    expect(() => loadConfig('dev', { configDir: dir })).toThrow(/Invalid configuration in .*dev\.json:\n  - securityAccount\.accountId/);
  });
});
