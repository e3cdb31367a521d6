import { PolicyKind, PolicyRule, PolicyValidator } from '../../lib/validation';

const BUCKET_OBJECTS = 'arn:aws:s3:::reports-bucket/*';

function rulesOf(statement: object | object[], kind = PolicyKind.IDENTITY): PolicyRule[] {
  return PolicyValidator.validateDocument({ Version: '2012-10-17', Statement: statement }, kind).map((f) => f.rule);
}

describe('Allow with Action "*"', () => {
  test('Compliance: a listed action', () => {
    expect(rulesOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET_OBJECTS })).toEqual([]);
  });
  test('Noncompliance: Action "*" in an Allow', () => {
    expect(rulesOf({ Effect: 'Allow', Action: '*', Resource: BUCKET_OBJECTS })).toEqual([PolicyRule.ALLOW_STAR_ACTION]);
  });
  test('Compliance: Action "*" in a Deny only restricts', () => {
    expect(rulesOf({ Effect: 'Deny', Action: '*', Resource: '*' })).toEqual([]);
  });
});

describe('Allow with NotAction / NotResource', () => {
  test('Noncompliance: NotAction in an Allow', () => {
    expect(rulesOf({ Effect: 'Allow', NotAction: 'iam:*', Resource: BUCKET_OBJECTS })).toEqual([PolicyRule.ALLOW_NOT_ACTION]);
  });
  test('Compliance: NotAction in a Deny (MFA self-service pattern)', () => {
    expect(
      rulesOf({ Effect: 'Deny', NotAction: ['iam:ListMFADevices'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    ).toEqual([]);
  });
  test('Noncompliance: NotResource in an Allow', () => {
    expect(rulesOf({ Effect: 'Allow', Action: 's3:GetObject', NotResource: BUCKET_OBJECTS })).toEqual([PolicyRule.ALLOW_NOT_RESOURCE]);
  });
});

describe('wildcard action on Resource "*"', () => {
  test('Noncompliance: s3:* on *', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['s3:*'], Resource: '*' })).toEqual([PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]);
  });
  test('Noncompliance: a partial wildcard s3:Get* on ["*"]', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['s3:Get*'], Resource: ['*'] })).toEqual([PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]);
  });
  test('Compliance: a wildcard action scoped to ARNs', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['s3:Get*'], Resource: BUCKET_OBJECTS })).toEqual([]);
  });
  test('Compliance: a listed action on * (actions without resource-level permissions)', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' })).toEqual([]);
  });
  test('Noncompliance: kms:* on * in a key policy', () => {
    const kms = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
    expect(rulesOf(kms, PolicyKind.RESOURCE)).toEqual([PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES]);
  });
});

describe('public principal', () => {
  test('Noncompliance: Principal "*" without condition in a resource policy', () => {
    expect(rulesOf({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: BUCKET_OBJECTS }, PolicyKind.RESOURCE)).toEqual([
      PolicyRule.PUBLIC_PRINCIPAL,
    ]);
    expect(rulesOf({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'sts:AssumeRole' }, PolicyKind.TRUST)).toEqual([PolicyRule.PUBLIC_PRINCIPAL]);
  });
  test('Compliance: Principal "*" narrowed by aws:PrincipalOrgID', () => {
    expect(
      rulesOf(
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: BUCKET_OBJECTS,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
        PolicyKind.RESOURCE,
      ),
    ).toEqual([]);
  });
  describe('a condition must pin who the caller is', () => {
    const open = (Condition?: object, Principal: unknown = '*') =>
      rulesOf({ Effect: 'Allow', Principal, Action: 's3:GetObject', Resource: BUCKET_OBJECTS, ...(Condition ? { Condition } : {}) }, PolicyKind.RESOURCE);

    test.each([
      ['aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'true' } }],
      ['a date', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }],
      ['aws:SourceIp (an address range is not an account)', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
      ['sts:ExternalId (not a secret)', { StringEquals: { 'sts:ExternalId': 'partner-id' } }],
      ['a negated operator', { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } }],
      ['...IfExists (matches callers without the key)', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['ForAllValues: (matches callers without the key)', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
      ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': '*' } }],
      ['one wildcard value among fixed ones', { StringLike: { 'aws:PrincipalAccount': ['111122223333', '*'] } }],
      ['an ARN with a wildcard account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } }],
      ['a policy variable', { StringEquals: { 'aws:PrincipalAccount': '${aws:userid}' } }],
      ['an organization path with a wildcard organization', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*/r-ab12/*' } }],
    ])('Noncompliance: Principal "*" behind %s', (_name, condition) => {
      expect(open(condition)).toEqual([PolicyRule.PUBLIC_PRINCIPAL]);
    });

    test.each([
      ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }],
      ['aws:PrincipalArn with a literal account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ops-*' } }],
      [
        'aws:PrincipalOrgPaths under a literal organization',
        { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
      ],
      ['aws:SourceAccount (a service principal acting for the account)', { StringEquals: { 'aws:SourceAccount': '111122223333' } }],
      ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }],
      ['kms:CallerAccount', { StringEquals: { 'kms:CallerAccount': '111122223333' } }],
      ['an intrinsic (judged only when literal)', { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } }],
      ['a narrowing block among others', { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    ])('Compliance: Principal "*" narrowed by %s', (_name, condition) => {
      expect(open(condition)).toEqual([]);
    });

    test('Noncompliance: an ARN principal with a wildcard account, with or without an unrelated condition', () => {
      expect(open(undefined, { AWS: 'arn:aws:iam::*:root' })).toEqual([PolicyRule.PUBLIC_PRINCIPAL]);
      expect(open({ Bool: { 'aws:SecureTransport': 'true' } }, { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::*:root'] })).toEqual([
        PolicyRule.PUBLIC_PRINCIPAL,
      ]);
    });

    test('Compliance: named accounts and service principals are not public', () => {
      expect(open(undefined, { AWS: 'arn:aws:iam::111122223333:root' })).toEqual([]);
      expect(open(undefined, { Service: 'logs.amazonaws.com' })).toEqual([]);
    });

    test('Noncompliance: a trust policy open to every account behind an external id alone', () => {
      expect(
        rulesOf(
          { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x1' } } },
          PolicyKind.TRUST,
        ),
      ).toEqual([PolicyRule.PUBLIC_PRINCIPAL]);
    });
  });

  test('Compliance: Deny to Principal "*" (bucket guardrails)', () => {
    expect(
      rulesOf(
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: BUCKET_OBJECTS, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        PolicyKind.RESOURCE,
      ),
    ).toEqual([]);
  });
});

describe('IAM dataset checks', () => {
  test('Noncompliance: unknown service', () => {
    expect(rulesOf({ Effect: 'Deny', Action: 's4:GetObject', Resource: '*' })).toEqual([PolicyRule.UNKNOWN_SERVICE]);
  });
  test('Noncompliance: unknown action, exact and as a pattern', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['s3:GetObjekt', 's3:Fetch*'], Resource: BUCKET_OBJECTS })).toEqual([
      PolicyRule.UNKNOWN_ACTION,
      PolicyRule.UNKNOWN_ACTION,
    ]);
  });
  test('Compliance: action names are case-insensitive', () => {
    expect(rulesOf({ Effect: 'Allow', Action: ['S3:getobject'], Resource: BUCKET_OBJECTS })).toEqual([]);
  });
  test('Noncompliance: unknown condition key (a typo would make the condition never match)', () => {
    const findings = PolicyValidator.validateDocument(
      { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: BUCKET_OBJECTS, Condition: { IpAddress: { 'aws:SourceIP4': '10.0.0.0/8' } } } },
      PolicyKind.IDENTITY,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        rule: PolicyRule.UNKNOWN_CONDITION_KEY,
        location: 'Statement[0]',
        message: expect.stringMatching(/'aws:SourceIP4'.*"Action":"s3:GetObject"/),
      }),
    ]);
  });
  test('Compliance: global, service, variable and identity-provider condition keys', () => {
    const condition = {
      StringEquals: {
        'aws:PrincipalTag/team': 'payments',
        'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111122223333:log-group:app',
        's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/abc',
        'sts:ExternalId': 'secret',
        'cognito-identity.amazonaws.com:aud': 'eu-west-1:pool',
      },
      Bool: { 'aws:ViaAWSService': 'true' },
    };
    expect(rulesOf({ Effect: 'Deny', Action: 's3:PutObject', Resource: BUCKET_OBJECTS, Condition: condition })).toEqual([]);
  });
});

describe('malformed documents', () => {
  test('Noncompliance: missing Effect, both Action and NotAction, action without service, no Statement', () => {
    expect(rulesOf({ Action: 's3:GetObject', Resource: '*' })).toEqual([PolicyRule.MALFORMED_POLICY]);
    expect(rulesOf({ Effect: 'Deny', Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*' })).toEqual([PolicyRule.MALFORMED_POLICY]);
    expect(rulesOf({ Effect: 'Deny', Action: 'GetObject', Resource: '*' })).toEqual([PolicyRule.MALFORMED_POLICY]);
    expect(PolicyValidator.validateDocument({ Version: '2012-10-17' }, PolicyKind.IDENTITY).map((f) => f.rule)).toEqual([PolicyRule.MALFORMED_POLICY]);
    expect(PolicyValidator.validateDocument('{not json', PolicyKind.IDENTITY).map((f) => f.rule)).toEqual([PolicyRule.MALFORMED_POLICY]);
  });
  test('intrinsics are not judged (nothing literal to check)', () => {
    expect(rulesOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::GetAtt': ['Bucket', 'Arn'] } })).toEqual([]);
  });
});

describe('size limits of standalone documents', () => {
  function documentOfSize(statements: number): object {
    return {
      Version: '2012-10-17',
      Statement: Array.from({ length: statements }, (_, i) => ({
        Sid: `Deny${i}`,
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::bucket-number-${i}/*`,
      })),
    };
  }

  test('Noncompliance: an SCP over 5,120 characters', () => {
    const doc = documentOfSize(60);
    expect(JSON.stringify(doc).length).toBeGreaterThan(5120);
    expect(PolicyValidator.validateDocument(doc, PolicyKind.SERVICE_CONTROL_POLICY)).toEqual([
      expect.objectContaining({ rule: PolicyRule.POLICY_TOO_LARGE, message: expect.stringMatching(/over the SERVICE_CONTROL_POLICY limit of 5120/) }),
    ]);
  });

  test('Compliance: the same document as a managed policy (6,144) fits, and whitespace is not counted', () => {
    const doc = documentOfSize(60);
    expect(JSON.stringify(doc).length).toBeLessThan(6144);
    expect(JSON.stringify(doc, null, 4).length).toBeGreaterThan(6144);
    expect(PolicyValidator.validateDocument(JSON.stringify(doc, null, 4), PolicyKind.MANAGED_POLICY)).toEqual([]);
  });

  test('Noncompliance: a trust policy over 2,048 characters', () => {
    const trust = {
      Statement: Array.from({ length: 20 }, (_, i) => ({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::1111222233${String(i).padStart(2, '0')}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'external-id-value' } },
      })),
    };
    expect(PolicyValidator.validateDocument(trust, PolicyKind.TRUST).map((f) => f.rule)).toEqual([PolicyRule.POLICY_TOO_LARGE]);
  });
});
