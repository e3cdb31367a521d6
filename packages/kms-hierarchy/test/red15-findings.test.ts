/**
 * red15: the public API of @cdk-guardrails/kms-hierarchy used by a library user who makes mistakes,
 * or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { CfnParameter, Duration, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EbsEncryptionByDefault, KeyHierarchy, KeyPurpose, KeySource } from '../lib';
import { ACCOUNT, KEY_ID, OTHER_ACCOUNT, REGION, newStack, resolvedKeyPolicy } from './helpers';

describe('red15 findings: kms-hierarchy', () => {
  // R15-1: `administrators` is checked for emptiness only. `administratorArns` refuses wildcards and
  // other accounts; the same mistake through `administrators` gives everyone (or another account)
  // PutKeyPolicy / ScheduleKeyDeletion / DisableKey on every created key.
  test('R15-1a fails if administrators holds a wildcard principal (iam.AnyPrincipal)', () => {
    const stack = newStack();
    expect(() => new KeyHierarchy(stack, 'Keys', { administrators: [new iam.AnyPrincipal()] })).toThrow(/administrators/);
  });

  test('R15-1 control: exact principals of the stack account (a role ARN, the account root, a role of the app) still administer the keys; the error names the entry, the value and what is allowed', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new KeyHierarchy(stack, 'Keys', {
      administrators: [
        new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/key-admins`),
        new iam.AccountRootPrincipal(),
        new iam.AccountPrincipal(ACCOUNT),
        role,
      ],
    });
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::KMS::Key'));
    expect(policies).toContain(`arn:aws:iam::${ACCOUNT}:role/key-admins`);
    expect(policies).toContain('AdminC75D2A91');
    expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.AccountRootPrincipal(), new iam.AccountPrincipal(OTHER_ACCOUNT)] })).toThrow(
      new RegExp(
        `administrators\\[1\\]: received '.*${OTHER_ACCOUNT}:root' of account ${OTHER_ACCOUNT}; expected IAM roles, users or the account root of the stack's account ${ACCOUNT}`,
      ),
    );
    expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.ServicePrincipal('sns.amazonaws.com')] })).toThrow(
      /administrators\[0\]: received a principal of kind Service/,
    );
    expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [new iam.OrganizationPrincipal('o-abcdefghij')] })).toThrow(
      /administrators\[0\]: received/,
    );
  });

  test('R15-1b fails if administrators names a principal of another account than the stack', () => {
    const stack = newStack();
    expect(() => new KeyHierarchy(stack, 'Keys', { administrators: [new iam.AccountPrincipal(OTHER_ACCOUNT)] })).toThrow(/administrators/);
  });

  test('R15-1c fails if administrators names an ARN pattern (arn:aws:iam::<account>:role/*)', () => {
    const stack = newStack();
    expect(() => new KeyHierarchy(stack, 'Keys', { administrators: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/*`)] })).toThrow(/administrators/);
  });

  // R15-2: EbsEncryptionByDefault checks only the shape of the key ARN. A key of another account
  // (one the attacker owns and can disable: every new volume of the account is then unusable) or of
  // another region (EC2 cannot use it: every launch with a new volume fails) is synthesized as the
  // account's default EBS key.
  test('R15-2a fails if EbsEncryptionByDefault.key is a key of another account than the stack', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: foreign })).toThrow(/key/);
  });

  test('R15-2b fails if EbsEncryptionByDefault.key is a key of another region than the stack', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: foreign })).toThrow(/key/);
  });

  test('R15-2 (fixed): the error names the key, both environments and why', () => {
    const stack = newStack();
    const arn = `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`;
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: kms.Key.fromKeyArn(stack, 'Foreign', arn) })).toThrow(
      `TestStack/Ebs: key: received key '${arn}' of account ${OTHER_ACCOUNT} region ${REGION}; expected a key of the stack's account ${ACCOUNT} and region ${REGION}. A key of another account`,
    );
  });

  // R15-3: an unresolved rotationPeriod is skipped by the validation and then silently replaced by
  // 365 days: the value the user gave never reaches the template.
  test('R15-3 control: the error names the prop and what is allowed', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'RotationDays', { type: 'Number' }).valueAsNumber;
    expect(() => new KeyHierarchy(stack, 'Keys', { rotationPeriod: Duration.days(days) })).toThrow(
      /rotationPeriod: received an unresolved token \(a parameter or a reference\); expected a literal whole number of days, 90 to 2560/,
    );
  });

  test('R15-3 a token rotationPeriod is neither rendered nor refused (it silently becomes 365 days)', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'RotationDays', { type: 'Number' }).valueAsNumber;
    let error: unknown;
    try {
      new KeyHierarchy(stack, 'Keys', { rotationPeriod: Duration.days(days) });
    } catch (e) {
      error = e;
    }
    if (error !== undefined) return; // refusing a token (naming rotationPeriod) is a fix
    const [, key] = Object.entries(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0] as [string, any];
    expect(key.Properties.RotationPeriodInDays).not.toEqual(365);
  });

  // R15-4: a token key ARN (a CfnParameter, an SSM value) skips the account/region check without a
  // word; the README says the check runs "when the stack has a concrete environment", and this
  // stack has one. A warning (or an error) naming the prop is expected.
  test.failing('R15-4 a token KeySource.fromKeyArn in a concrete-environment stack is not checked, and nothing says so', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'DataKeyArn').valueAsString;
    new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.fromKeyArn(arn) });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('dataKey'));
  });

  // R15-5: a direct-use grant to a service principal names the service with no aws:SourceAccount /
  // aws:SourceArn, so the service acting for ANY account's resource may use the key (confused
  // deputy). STYLE.md: an exemption rests on "a service principal with aws:SourceAccount/aws:SourceArn".
  test('R15-5 control: a service principal scoped with aws:SourceAccount is granted, the condition in the key policy; the error names what to do', () => {
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    keys.grantDecrypt(KeyPurpose.DATA, new iam.ServicePrincipal('sns.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }));
    const statements: any[] = [].concat(resolvedKeyPolicy(stack, 'Data').Statement);
    const grant = statements.find((st) => JSON.stringify(st.Principal ?? {}).includes('sns.amazonaws.com'));
    expect(grant.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': ACCOUNT } });
    expect(() => new KeyHierarchy(newStack(), 'Keys').grantEncrypt(KeyPurpose.LOGS, new iam.ServicePrincipal('sns.amazonaws.com'))).toThrow(
      /grantee: received service principal sns\.amazonaws\.com for the logs key without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID pinned \(StringEquals, StringLike, ArnEquals or ArnLike, literal values without wildcards\); expected the service principal with a condition/,
    );
  });

  test('R15-5 grantDecrypt to a bare service principal is refused or scoped to this account', () => {
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    let threw = false;
    try {
      keys.grantDecrypt(KeyPurpose.DATA, new iam.ServicePrincipal('sns.amazonaws.com'));
    } catch {
      threw = true;
    }
    if (threw) return;
    const policy = resolvedKeyPolicy(stack, 'Data');
    const statements: any[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    const grant = statements.find((s) => JSON.stringify(s.Principal ?? {}).includes('sns.amazonaws.com'));
    expect(JSON.stringify(grant.Condition ?? {})).toMatch(/aws:Source(Account|Arn)/);
  });

  // R15-6: the alias check of EbsEncryptionByDefault only reads a literal keyArn. An alias object
  // (kms.Alias.fromAliasName, or key.addAlias) has a token keyArn (arn:${Partition}:kms:...:alias/...),
  // so the check is skipped and the alias ARN becomes the account's default EBS key: whoever can
  // UpdateAlias re-points every new volume of the account to another key. The README promises "an
  // alias is refused at synth". s3-encryption's EncryptionMode.sseKms refuses aliases by `aliasName`.
  test('R15-6a fails if EbsEncryptionByDefault.key is an imported alias (kms.Alias.fromAliasName)', () => {
    const stack = newStack();
    const alias = kms.Alias.fromAliasName(stack, 'Alias', 'alias/guardrails/data');
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: alias })).toThrow(/key/);
  });

  test('R15-6b fails if EbsEncryptionByDefault.key is an alias created in the stack (key.addAlias)', () => {
    const stack = newStack();
    const alias = new kms.Key(stack, 'Key').addAlias('alias/ebs');
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: alias })).toThrow(/key/);
  });

  test('R15-6 (fixed): the error names the alias', () => {
    const stack = newStack();
    expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: kms.Alias.fromAliasName(stack, 'Alias', 'alias/guardrails/data') })).toThrow(
      "TestStack/Ebs: key: received the alias 'alias/guardrails/data'; expected a customer managed KMS key, not an alias",
    );
  });

  describe('checked and closed', () => {
    test('fails if a rotation period is outside 90..2,560 days', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys', { rotationPeriod: Duration.days(30) })).toThrow(/rotationPeriod: received 30 days/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { rotationPeriod: Duration.days(3000) })).toThrow(/rotationPeriod: received 3000 days/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { rotationPeriod: Duration.hours(2200) })).toThrow(/rotationPeriod/);
    });

    test('fails if an imported key is an alias ARN, or of another account or region', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys', { dataKey: KeySource.fromKeyArn(`arn:aws:kms:${REGION}:${ACCOUNT}:alias/guardrails/data`) })).toThrow(
        /dataKey: received .*alias/,
      );
      expect(() => new KeyHierarchy(newStack(), 'Keys', { dataKey: KeySource.fromKeyArn(`arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`) })).toThrow(
        /dataKey: received key .* of account 222222222222/,
      );
      expect(() => new KeyHierarchy(newStack(), 'Keys', { logsKey: KeySource.fromKeyArn(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`) })).toThrow(
        /logsKey: received key .* region us-east-1/,
      );
    });

    test('fails if administratorArns is empty, a wildcard, the root, or of another account', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys', { administratorArns: [] })).toThrow(/administratorArns: received an empty list/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { administratorArns: [`arn:aws:iam::${ACCOUNT}:role/*`] })).toThrow(/administratorArns/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { administratorArns: [`arn:aws:iam::${ACCOUNT}:root`] })).toThrow(/administratorArns/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { administratorArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/admin`] })).toThrow(
        /of account 222222222222/,
      );
      expect(() => new KeyHierarchy(newStack(), 'Keys', { administrators: [] })).toThrow(/administrators: received an empty list/);
    });

    test('fails if a direct-use grantee is a wildcard', () => {
      const keys = new KeyHierarchy(newStack(), 'Keys');
      expect(() => keys.grantDecrypt(KeyPurpose.DATA, new iam.AnyPrincipal())).toThrow(/grantee: received a principal matching '\*'/);
      expect(() => keys.grantEncrypt(KeyPurpose.LOGS, new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/app-*`))).toThrow(/grantee/);
    });

    test('fails if an alias prefix is a token, in aws/, or starts with alias/', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys', { aliasPrefix: Token.asString({ Ref: 'X' }) })).toThrow(/aliasPrefix: received an unresolved token/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { aliasPrefix: 'aws/mine' })).toThrow(/aliasPrefix/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { aliasPrefix: 'alias/x' })).toThrow(/aliasPrefix/);
    });

    test('fails if an additional key service is not an endpoint prefix (no way to widen kms:ViaService to *)', () => {
      expect(() => new KeyHierarchy(newStack(), 'Keys', { additionalDataKeyServices: ['*'] })).toThrow(/additionalDataKeyServices: received '\*'/);
      expect(() => new KeyHierarchy(newStack(), 'Keys', { additionalLogsKeyServices: ['s3.*'] })).toThrow(/additionalLogsKeyServices/);
    });

    test('fails if EbsEncryptionByDefault is given a literal alias ARN through kms.Key.fromKeyArn', () => {
      const stack = newStack();
      const aliasAsKey = kms.Key.fromKeyArn(stack, 'A', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/data`);
      expect(() => new EbsEncryptionByDefault(stack, 'Ebs', { key: aliasAsKey })).toThrow(/key: received .*alias/);
    });

    test('created keys are retained and rotated by default', () => {
      const stack = newStack();
      new KeyHierarchy(stack, 'Keys');
      const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
      for (const key of Object.values(keys) as any[]) {
        expect(key.DeletionPolicy).toBe('Retain');
        expect(key.UpdateReplacePolicy).toBe('Retain');
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.Properties.RotationPeriodInDays).toBe(365);
      }
    });
  });
});
