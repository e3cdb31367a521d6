import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { evaluate, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogShipping, SecurityEventCapture, TrailScope } from '../lib';
import { newKey, newStack, newTrailBucket, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const SECURITY_LOG_GROUP_ARN = `arn:aws:logs:eu-west-1:${WORKLOAD_ACCOUNT}:log-group:/guardrails/security/events:*`;

function securityLogGroupId(template: Template): string {
  const [id] = singleResource(template.toJSON(), 'AWS::Logs::LogGroup', (r) => r.Properties.LogGroupName === '/guardrails/security/events');
  return id;
}

const ruleArn = (region: string, kind: string) => `arn:aws:events:${region}:${WORKLOAD_ACCOUNT}:rule/Capture${kind}ChangesRule`;

/** The security log group's resource policy, resolved (the rules' ARNs as ruleArn() spells them). */
function securityLogGroupPolicy(template: Template, region: string): any {
  const json = template.toJSON();
  const getAtts: Record<string, string> = { [`${securityLogGroupId(template)}.Arn`]: SECURITY_LOG_GROUP_ARN.replace('eu-west-1', region) };
  for (const kind of ['S3', 'Iam']) {
    const ids = Object.keys(json.Resources).filter((id) => id.startsWith(`Capture${kind}ChangesRule`) && json.Resources[id].Type === 'AWS::Events::Rule');
    for (const id of ids) getAtts[`${id}.Arn`] = ruleArn(region, kind);
  }
  const [, policy] = singleResource(json, 'AWS::Logs::ResourcePolicy');
  return JSON.parse(resolveIntrinsics(policy.Properties.PolicyDocument, { account: WORKLOAD_ACCOUNT, region, getAtts }));
}

function capture(region: string, extra: Partial<ConstructorParameters<typeof SecurityEventCapture>[2]> = {}) {
  const stack = newStack(region, WORKLOAD_ACCOUNT);
  const key = newKey(stack);
  const bucket = newTrailBucket(stack, key);
  const c = new SecurityEventCapture(stack, 'Capture', { trailBucket: bucket, logsKey: key, ...extra });
  return { stack, key, bucket, capture: c, template: Template.fromStack(stack) };
}

describe('SecurityEventCapture', () => {
  test('creates a multi-region trail with management events, global service events, log file validation and KMS, to the bucket and the audit log group', () => {
    const { template } = capture('eu-west-1');
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('TrailBucket') },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CaptureAuditLogGroup'), 'Arn'] },
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
  });

  test('audit and security log groups are KMS-encrypted with the logs key, keep their class retention by default (audit 10 years, security 90 days) and are retained', () => {
    const { template } = capture('eu-west-1');
    for (const [name, days] of [
      ['/guardrails/audit/cloudtrail', 3653],
      ['/guardrails/security/events', 90],
    ] as const) {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: name, RetentionInDays: days, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] } },
        DeletionPolicy: 'Retain',
      });
    }
  });

  test('the trail bucket gets the CloudTrail bucket policy statements', () => {
    const { template } = capture('eu-west-1');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetBucketAcl', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
          Match.objectLike({ Action: 's3:PutObject', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
        ]),
      },
    });
  });

  test('a created logs key lets CloudTrail encrypt, scoped with the CloudTrail encryption context and source ARN', () => {
    const { template } = capture('eu-west-1');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailEncryptsLogFiles',
            Action: 'kms:GenerateDataKey*',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: {
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': {
                  'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:cloudtrail:\\*:${WORKLOAD_ACCOUNT}:trail/\\*`)])],
                },
                'aws:SourceArn': Match.anyValue(),
              },
            },
          }),
        ]),
      },
    });
  });

  test('an imported logs key gets a warning naming the key policy statements CloudTrail needs', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:eu-west-1:${WORKLOAD_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'trail-bucket');
    new SecurityEventCapture(stack, 'Capture', { trailBucket: bucket, logsKey: key });
    Annotations.fromStack(stack).hasWarning('/TestStack/Capture', Match.stringLikeRegexp('cloudtrail.amazonaws.com kms:GenerateDataKey'));
  });

  test('captures S3 bucket policy, encryption and public-access changes in every region, into the security log group', () => {
    const { template } = capture('eu-west-1');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          eventName: Match.arrayWith([
            'PutBucketPolicy',
            'DeleteBucketPolicy',
            'PutBucketEncryption',
            'DeleteBucketEncryption',
            'PutBucketPublicAccessBlock',
            'DeleteBucketPublicAccessBlock',
          ]),
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':log-group:')])] } })],
    });
    const doc = securityLogGroupPolicy(template, 'eu-west-1');
    expect(doc.Statement).toEqual([
      {
        Sid: 'EventBridgeCreatesStreams',
        Effect: 'Allow',
        Action: 'logs:CreateLogStream',
        Principal: { Service: 'events.amazonaws.com' },
        Resource: SECURITY_LOG_GROUP_ARN,
      },
      {
        Sid: 'EventBridgeWritesSecurityEvents',
        Effect: 'Allow',
        Action: 'logs:PutLogEvents',
        Principal: { Service: 'events.amazonaws.com' },
        Resource: SECURITY_LOG_GROUP_ARN,
        Condition: { ArnEquals: { 'aws:SourceArn': [ruleArn('eu-west-1', 'S3')] } },
      },
    ]);
  });

  // Any rule of the account could otherwise write what it likes into the security log group
  // (shipped as class security): a workload admin's rule on its own bus, matching its own PutEvents.
  describe("only the construct's own rules write into the security log group (semantic)", () => {
    const deliver = (doc: any, sourceArn: string | undefined, action = 'logs:PutLogEvents', region = 'eu-west-1') =>
      evaluate({
        request: {
          action,
          principal: 'events.amazonaws.com',
          resource: `${SECURITY_LOG_GROUP_ARN.replace(':*', '').replace('eu-west-1', region)}:log-stream:x`,
          resourceAccount: WORKLOAD_ACCOUNT,
          context: { ...(sourceArn ? { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': WORKLOAD_ACCOUNT } : {}) },
        },
        identityPolicies: [],
        resourcePolicy: doc,
      });

    test("a rule of the attacker's own (same account, default or custom bus) cannot write records into it", async () => {
      const { template } = capture('us-east-1');
      const doc = securityLogGroupPolicy(template, 'us-east-1');
      for (const rule of [
        `arn:aws:events:us-east-1:${WORKLOAD_ACCOUNT}:rule/forge-security-events`,
        `arn:aws:events:us-east-1:${WORKLOAD_ACCOUNT}:rule/own-bus/forge`,
      ]) {
        expect(await deliver(doc, rule, 'logs:PutLogEvents', 'us-east-1')).toBe('ImplicitlyDenied');
      }
      // Without the condition (the guardrail removed), the forged write is allowed.
      const open = { ...doc, Statement: doc.Statement.map(({ Condition: _c, ...st }: any) => st) };
      expect(await deliver(open, `arn:aws:events:us-east-1:${WORKLOAD_ACCOUNT}:rule/forge-security-events`, 'logs:PutLogEvents', 'us-east-1')).toBe('Allowed');
    });

    test('control: the S3 and IAM change rules deliver (stream creation carries no source ARN and stays allowed)', async () => {
      const { template } = capture('us-east-1');
      const doc = securityLogGroupPolicy(template, 'us-east-1');
      for (const kind of ['S3', 'Iam']) {
        expect(await deliver(doc, ruleArn('us-east-1', kind), 'logs:PutLogEvents', 'us-east-1')).toBe('Allowed');
      }
      expect(await deliver(doc, undefined, 'logs:CreateLogStream', 'us-east-1')).toBe('Allowed');
    });
  });

  test('captures IAM changes in us-east-1, with global service events in a single-region trail there', () => {
    const { template, capture: c } = capture('us-east-1', { trailScope: TrailScope.THIS_REGION });
    expect(c.capturesIamChanges).toBe(true);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.iam'],
        detail: {
          eventSource: ['iam.amazonaws.com'],
          eventName: Match.arrayWith(['CreateRole', 'AttachRolePolicy', 'PutRolePolicy', 'CreatePolicyVersion', 'CreateUser', 'CreateAccessKey']),
        },
      },
    });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IncludeGlobalServiceEvents: true });
  });

  test('does not create the IAM rule outside us-east-1 (IAM events never reach EventBridge there)', () => {
    const { template, capture: c } = capture('eu-west-1');
    expect(c.capturesIamChanges).toBe(false);
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toContain('aws.iam');
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  test('fails if IAM capture is requested outside us-east-1', () => {
    expect(() => capture('eu-west-1', { captureIamChanges: true })).toThrow(
      /^TestStack\/Capture: captureIamChanges: received true in eu-west-1; expected true only in us-east-1: IAM events reach EventBridge only there/,
    );
  });

  test('warns when the region is unknown at synth time and IAM capture is not decided', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const key = newKey(stack);
    new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key });
    Annotations.fromStack(stack).hasWarning('/Agnostic/Capture', Match.stringLikeRegexp('IAM-change capture is off'));
  });

  test('shipping subscribes the audit log group as audit and the security log group as security', () => {
    const stack = newStack('us-east-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'us-east-1') });
    new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key, shipping });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::SubscriptionFilter', 2);
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('CaptureAuditLogGroup') },
      FilterName: Match.stringLikeRegexp('^guardrails-audit-'),
      DestinationArn: `arn:aws:logs:us-east-1:${SECURITY_ACCOUNT}:destination:guardrails-central-logs`,
    });
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('CaptureSecurityLogGroup') },
      FilterName: Match.stringLikeRegexp('^guardrails-security-'),
    });
  });
});

/** The trail bucket's policy, resolved, and a CloudTrail delivery into it from `account`'s trail `trail`. */
function trailBucketDelivery(template: Template) {
  const json = template.toJSON();
  const [, policy] = singleResource(json, 'AWS::S3::BucketPolicy');
  const bucketId = Object.keys(json.Resources).find((id) => json.Resources[id].Type === 'AWS::S3::Bucket')!;
  const document = resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: WORKLOAD_ACCOUNT,
    region: 'eu-west-1',
    getAtts: { [`${bucketId}.Arn`]: 'arn:aws:s3:::trail-bucket' },
  });
  const deliver = (account: string, trail: string, doc = document) =>
    evaluate({
      request: {
        action: 's3:PutObject',
        principal: 'cloudtrail.amazonaws.com',
        resource: `arn:aws:s3:::trail-bucket/AWSLogs/${WORKLOAD_ACCOUNT}/CloudTrail/eu-west-1/x.json.gz`,
        resourceAccount: WORKLOAD_ACCOUNT,
        context: {
          'aws:SourceAccount': account,
          'aws:SourceArn': `arn:aws:cloudtrail:eu-west-1:${account}:trail/${trail}`,
          'aws:PrincipalIsAWSService': 'true',
          'aws:SecureTransport': 'true',
          's3:x-amz-acl': 'bucket-owner-full-control',
          's3:x-amz-server-side-encryption': 'aws:kms',
        },
      },
      resourcePolicy: doc,
    });
  const without = (sid: string) => ({ ...document, Statement: (document.Statement as any[]).filter((st) => st.Sid !== sid) });
  return { document, deliver, without };
}

describe('trail bucket: confused deputy', () => {
  test('CloudTrail may deliver into the trail bucket for this account only (aws:SourceAccount); allowed for another account without the statement', async () => {
    const { document, deliver: deliverFrom, without: withoutSid } = trailBucketDelivery(capture('eu-west-1').template);
    const deliver = (account: string, doc = document) => deliverFrom(account, 't', doc);
    const without = withoutSid('DenyCloudTrailDeliveryForOtherAccounts');
    expect(await deliver('999999999999')).toBe('ExplicitlyDenied');
    expect(await deliver('999999999999', without)).not.toBe('ExplicitlyDenied');
    expect((document.Statement as any[]).some((st) => st.Sid === 'DenyCloudTrailDeliveryForOtherAccounts')).toBe(true);
    // control: this account's trail still delivers (the statement and CloudTrail's allow, evaluated alone)
    const trailStatements = (document.Statement as any[]).filter(
      (st) =>
        st.Sid === 'DenyCloudTrailDeliveryForOtherAccounts' ||
        (JSON.stringify(st.Principal ?? '').includes('cloudtrail') && st.Effect === 'Allow' && ([] as string[]).concat(st.Action).includes('s3:PutObject')),
    );
    expect(trailStatements).toHaveLength(2);
    expect(await deliver(WORKLOAD_ACCOUNT, { ...document, Statement: trailStatements })).toBe('Allowed');
  });
});

describe('trail bucket: only the named trail delivers', () => {
  test('with trailName, another trail of the same account (one a bounded admin creates) cannot deliver into the bucket; allowed without the statement; the named trail can', async () => {
    const { template } = capture('eu-west-1', { trailName: 'guardrails-trail' });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'guardrails-trail' });
    const { deliver: deliverFrom, without: withoutSid } = trailBucketDelivery(template);
    const deliver = (trail: string, doc?: any) => deliverFrom(WORKLOAD_ACCOUNT, trail, doc);
    const without = withoutSid('DenyCloudTrailDeliveryForOtherTrails');
    expect(await deliver('attacker-trail')).toBe('ExplicitlyDenied');
    expect(await deliver('attacker-trail', without)).not.toBe('ExplicitlyDenied');
    expect(await deliver('guardrails-trail')).toBe('Allowed');
  });

  test('without trailName the bucket keeps the account statement only; a bad name fails; mixing named and unnamed trails on one bucket fails synth', () => {
    const plain = capture('eu-west-1').template.toJSON();
    expect(JSON.stringify(plain)).not.toContain('DenyCloudTrailDeliveryForOtherTrails');
    expect(() => capture('eu-west-1', { trailName: 'a--b' })).toThrow(/^TestStack\/Capture: trailName: received "a--b".*CloudTrail trail name/);
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    const bucket = newTrailBucket(stack, key);
    new SecurityEventCapture(stack, 'Named', {
      trailBucket: bucket,
      logsKey: key,
      trailName: 'guardrails-trail',
      trailScope: TrailScope.THIS_REGION,
      s3ChangesRuleName: 'r1',
    });
    new SecurityEventCapture(stack, 'Unnamed', {
      trailBucket: bucket,
      logsKey: key,
      trailScope: TrailScope.THIS_REGION,
      s3ChangesRuleName: 'r2',
      securityLogGroupName: '/other/security',
      auditLogGroupName: '/other/audit',
    });
    expect(() => Template.fromStack(stack)).toThrow(/the trail of TestStack\/Unnamed has no name, and another trail delivering into the same bucket has one/);
  });
});

describe('SecurityEventCapture names (the boundary protects guardrail rules by name)', () => {
  test('names the S3 and IAM rules as given (us-east-1)', () => {
    // GIVEN / WHEN
    const { template } = capture('us-east-1', { s3ChangesRuleName: 'guardrails-s3-policy-changes', iamChangesRuleName: 'guardrails-iam-changes' });
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-s3-policy-changes', EventPattern: Match.objectLike({ source: ['aws.s3'] }) });
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-iam-changes', EventPattern: Match.objectLike({ source: ['aws.iam'] }) });
  });

  test('outside us-east-1, names the S3 rule and ignores the IAM rule name (no IAM rule there)', () => {
    const { template } = capture('eu-west-1', { s3ChangesRuleName: 'guardrails-s3-policy-changes', iamChangesRuleName: 'guardrails-iam-changes' });
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-s3-policy-changes' });
  });

  test('leaves the rule names to CloudFormation by default (unchanged behaviour)', () => {
    const { template } = capture('us-east-1');
    expect(Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.Name)).toEqual([undefined, undefined]);
  });

  test.each([
    ['s3ChangesRuleName', 'guardrails s3', /^TestStack\/Capture: s3ChangesRuleName: received "guardrails s3".*\(EventBridge rule name\)/],
    ['iamChangesRuleName', 'r'.repeat(65), /^TestStack\/Capture: iamChangesRuleName: received "r+" \(65 characters\); expected 1 to 64/],
    ['auditLogGroupName', 'aws/trail', /^TestStack\/Capture: auditLogGroupName: received "aws\/trail".*not starting with 'aws\/'/],
  ])('fails if %s is %j, naming the prop, the value and the rule', (prop, value, message) => {
    expect(() => capture('us-east-1', { [prop]: value })).toThrow(message);
  });

  test('fails if both rules get the same name', () => {
    expect(() => capture('us-east-1', { s3ChangesRuleName: 'guardrails-changes', iamChangesRuleName: 'guardrails-changes' })).toThrow(
      /iamChangesRuleName: received "guardrails-changes"; expected a name other than s3ChangesRuleName/,
    );
  });
});

// Issue 15: nobody could see who read or wrote an object of the restricted data bucket.
describe('SecurityEventCapture S3 data events', () => {
  /** A capture not yet synthesized (capture() synthesizes its template at once). */
  const unsynthesized = (extra: Partial<ConstructorParameters<typeof SecurityEventCapture>[2]> = {}) => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    return { stack, capture: new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key, ...extra }) };
  };

  test('recordS3DataEvents switches the trail to advanced selectors: every management event, and the object events of exactly that bucket', () => {
    const { stack, capture: c } = unsynthesized();
    const data = new s3.Bucket(stack, 'Restricted');
    c.recordS3DataEvents(data);
    const trail = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    expect(trail.Properties.EventSelectors).toBeUndefined();
    const dataId = stack.getLogicalId(data.node.defaultChild as s3.CfnBucket);
    expect(trail.Properties.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'S3 object reads and writes of the restricted buckets',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataId, 'Arn'] }, '/']] }] },
        ],
      },
    ]);
  });

  test('write-only management events stay write-only; without recordS3DataEvents the trail keeps its basic selector (no data events, no cost)', () => {
    const { stack, capture: c } = unsynthesized({ managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY });
    c.recordS3DataEvents(new s3.Bucket(stack, 'Restricted'));
    const trail = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    expect(trail.Properties.AdvancedEventSelectors[0]).toEqual({
      Name: 'Management events',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Management'] },
        { Field: 'readOnly', Equals: ['false'] },
      ],
    });
    const plain = capture('eu-west-1').template.toJSON();
    const plainTrail = Object.values<any>(plain.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    expect(plainTrail.Properties.AdvancedEventSelectors).toBeUndefined();
    expect(plainTrail.Properties.EventSelectors).toEqual([{ IncludeManagementEvents: true, ReadWriteType: 'All' }]);
  });

  test('refuses a bucket of another region (object-level events stay in their region)', () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { account: WORKLOAD_ACCOUNT, region: 'eu-west-1' } });
    const other = new Stack(app, 'Other', { env: { account: WORKLOAD_ACCOUNT, region: 'eu-central-1' } });
    const key = newKey(home);
    const c = new SecurityEventCapture(home, 'Capture', { trailBucket: newTrailBucket(home, key), logsKey: key });
    expect(() => c.recordS3DataEvents(new s3.Bucket(other, 'Far'))).toThrow(
      /^Home\/Capture: recordS3DataEvents\(bucket\): received a bucket of eu-central-1; expected a bucket of this trail's region eu-west-1 /,
    );
  });
});

describe('SecurityEventCapture trail scope: no dark region', () => {
  const trailOf = (stack: Stack) => Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail');

  test('THIS_REGION is the single-region trail: outside us-east-1 no global service events', () => {
    const { template } = capture('eu-west-1', { trailScope: TrailScope.THIS_REGION });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false });
  });

  test("DATA_EVENTS_ONLY records the restricted buckets' object events of its region and no management event (no second, charged copy)", () => {
    const stack = newStack('eu-central-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    const c = new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key, trailScope: TrailScope.DATA_EVENTS_ONLY });
    c.recordS3DataEvents(new s3.Bucket(stack, 'Restricted'));
    const [trail] = trailOf(stack);
    expect(trail.Properties.IsMultiRegionTrail).toBe(false);
    expect(trail.Properties.IncludeGlobalServiceEvents).toBe(false);
    expect(trail.Properties.EventSelectors).toBeUndefined();
    expect(trail.Properties.AdvancedEventSelectors).toHaveLength(1);
    expect(trail.Properties.AdvancedEventSelectors[0].FieldSelectors[0]).toEqual({ Field: 'eventCategory', Equals: ['Data'] });
  });

  test('DATA_EVENTS_ONLY without a bucket fails synth (a trail that records nothing)', () => {
    const stack = newStack('eu-central-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key, trailScope: TrailScope.DATA_EVENTS_ONLY });
    expect(() => Template.fromStack(stack)).toThrow(/trailScope DATA_EVENTS_ONLY: no bucket was given to recordS3DataEvents/);
  });

  test('DATA_EVENTS_ONLY refuses management events', () => {
    expect(() => capture('eu-central-1', { trailScope: TrailScope.DATA_EVENTS_ONLY, managementEvents: cloudtrail.ReadWriteType.ALL })).toThrow(
      /managementEvents: received All with trailScope DATA_EVENTS_ONLY; expected NONE or unset/,
    );
  });

  test('NONE creates no trail and no audit log group, keeps the rules and the security log group, and ships the security group only', () => {
    const stack = newStack('eu-central-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-central-1') });
    const c = new SecurityEventCapture(stack, 'Capture', { logsKey: key, trailScope: TrailScope.NONE, shipping });
    expect(c.trail).toBeUndefined();
    expect(c.auditLogGroup).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
    t.resourceCountIs('AWS::Events::Rule', 1);
    t.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterName: Match.stringLikeRegexp('^guardrails-security-') });
    expect(() => c.recordS3DataEvents(new s3.Bucket(stack, 'Restricted'))).toThrow(
      /^TestStack\/Capture: trailScope: received NONE \(no trail\) with a call of recordS3DataEvents; expected a capture with a trail in the bucket's region /,
    );
  });

  test('NONE refuses a trail bucket; every other scope requires one', () => {
    const stack = newStack('eu-central-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    expect(() => new SecurityEventCapture(stack, 'A', { logsKey: key, trailScope: TrailScope.NONE, trailBucket: newTrailBucket(stack, key) })).toThrow(
      /^TestStack\/A: trailBucket: received a bucket with trailScope NONE; expected no bucket/,
    );
    expect(() => new SecurityEventCapture(stack, 'B', { logsKey: key, trailScope: TrailScope.THIS_REGION })).toThrow(
      /^TestStack\/B: trailBucket: received undefined with trailScope THIS_REGION; expected the bucket/,
    );
    expect(() => new SecurityEventCapture(stack, 'C', { logsKey: key })).toThrow(
      /^TestStack\/C: trailBucket: received undefined with trailScope ALL_REGIONS; expected the bucket/,
    );
  });

  test("a second ALL_REGIONS capture for the same account in one app fails; another account's is fine", () => {
    const app = new App();
    const add = (account: string, region: string) => {
      const stack = new Stack(app, `S${account}${region}`, { env: { account, region } });
      const key = newKey(stack);
      return new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key });
    };
    add(WORKLOAD_ACCOUNT, 'eu-west-1');
    add(SECURITY_ACCOUNT, 'eu-west-1');
    expect(() => add(WORKLOAD_ACCOUNT, 'eu-central-1')).toThrow(
      /trailScope: received ALL_REGIONS for account 111111111111, which already has a multi-region trail \(S111111111111eu-west-1\/Capture\)/,
    );
  });
});

describe('named log writers (an SCP lets only named roles write the audit log group)', () => {
  test('trailLogsRoleName names the role CloudTrail delivers to CloudWatch Logs with; a bad name fails', () => {
    const { template } = capture('eu-west-1', { trailLogsRoleName: 'guardrails-log-writer-trail-eu-west-1' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'guardrails-log-writer-trail-eu-west-1',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' } })] },
    });
    const trail = Object.values<any>(template.toJSON().Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
    const roleId = Object.entries<any>(template.toJSON().Resources).find(([, r]) => r.Properties?.RoleName === 'guardrails-log-writer-trail-eu-west-1')![0];
    expect(trail.Properties.CloudWatchLogsRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(() => capture('eu-west-1', { trailLogsRoleName: 'bad name' })).toThrow(/^TestStack\/Capture: trailLogsRoleName: received "bad name".*IAM role name/);
  });
});

describe('SecurityEventCapture protects its user from a mismatched trail bucket key', () => {
  test('a trail bucket pinned to another key than logsKey fails at synth, naming both keys and the fix; the same key passes', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const logsKey = newKey(stack);
    const dataKey = newKey(stack, 'DataKey');
    const other = new s3.Bucket(stack, 'OtherKeyBucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: dataKey });
    expect(() => new SecurityEventCapture(stack, 'Capture', { trailBucket: other, logsKey })).toThrow(
      /trailBucket: received a bucket encrypted with TestStack\/DataKey; expected a bucket encrypted with logsKey \(TestStack\/LogsKey\).*EncryptionMode.sseKms\(logsKey\)/,
    );
    expect(() => new SecurityEventCapture(stack, 'Good', { trailBucket: newTrailBucket(stack, logsKey), logsKey, s3ChangesRuleName: 'r2' })).not.toThrow();
  });
});
