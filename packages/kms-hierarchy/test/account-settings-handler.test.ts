import * as vm from 'node:vm';
// The handler's one copy, the one both kms-hierarchy and s3-encryption deploy (its home is facts; the
// tests stay here, next to EbsEncryptionByDefault, where the compliance catalogue cites them).
import { AccountSettingsHandler } from '@cdk-guardrails/facts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';

interface Sent {
  readonly command: string;
  readonly input: any;
}

interface Harness {
  readonly handler: (event: any, context: any) => Promise<void>;
  readonly sent: Sent[];
  readonly responses: { options: any; body: any }[];
}

/** Runs the inline code as Lambda would (CommonJS), with a mocked SDK v3 and a mocked https. */
function load(failWith?: string): Harness {
  const sent: Sent[] = [];
  const responses: { options: any; body: any }[] = [];
  const command = (name: string) =>
    class {
      public readonly name = name;
      constructor(public readonly input: any) {}
    };
  class Client {
    async send(c: { name: string; input: any }) {
      sent.push({ command: c.name, input: c.input });
      if (failWith !== undefined) throw new Error(failWith);
      return {};
    }
  }
  const modules: Record<string, any> = {
    https: {
      request: (options: any, callback: (res: any) => void) => ({
        on: () => undefined,
        end: (body: string) => {
          responses.push({ options, body: JSON.parse(body) });
          callback({ resume: () => undefined, on: (_event: string, done: () => void) => done() });
        },
      }),
    },
    '@aws-sdk/client-ec2': {
      EC2Client: Client,
      EnableEbsEncryptionByDefaultCommand: command('EnableEbsEncryptionByDefault'),
      ModifyEbsDefaultKmsKeyIdCommand: command('ModifyEbsDefaultKmsKeyId'),
    },
    '@aws-sdk/client-s3-control': { S3ControlClient: Client, PutPublicAccessBlockCommand: command('PutPublicAccessBlock') },
  };
  const module = { exports: {} as any };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`unexpected require ${name}`);
    return modules[name];
  };
  // As Node's CommonJS loader does: the module source wrapped in a function of require, exports, module.
  vm.runInThisContext(`(function (require, exports, module) {\n${AccountSettingsHandler.CODE}\n})`)(require, module.exports, module);
  return { handler: module.exports.handler, sent, responses };
}

function event(requestType: string, properties: Record<string, string>, physicalId?: string) {
  return {
    RequestType: requestType,
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/arn%3Aaws/abc?X-Amz-Signature=sig',
    StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/s/1',
    RequestId: 'req-1',
    LogicalResourceId: 'Settings',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:guardrails-account-settings', ...properties },
  };
}

const context = { logStreamName: '2026/12/04/[$LATEST]abc' };

describe('account settings inline handler', () => {
  test('fits in a ZipFile', () => {
    expect(AccountSettingsHandler.CODE.length).toBeLessThanOrEqual(AccountSettingsHandler.ZIP_FILE_MAX_CHARS);
  });

  test('Create of EBS encryption by default enables it, sets the data key, and answers SUCCESS with an https PUT to the ResponseURL', async () => {
    // GIVEN
    const h = load();
    // WHEN
    await h.handler(event('Create', { Setting: 'EbsEncryptionByDefault', KmsKeyId: KEY_ARN }), context);
    // THEN
    expect(h.sent).toEqual([
      { command: 'EnableEbsEncryptionByDefault', input: {} },
      { command: 'ModifyEbsDefaultKmsKeyId', input: { KmsKeyId: KEY_ARN } },
    ]);
    expect(h.responses).toHaveLength(1);
    expect(h.responses[0].options).toMatchObject({
      method: 'PUT',
      hostname: 'cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com',
      path: '/arn%3Aaws/abc?X-Amz-Signature=sig',
    });
    expect(h.responses[0].body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'ebs-encryption-by-default',
      RequestId: 'req-1',
      LogicalResourceId: 'Settings',
    });
  });

  test('Update of the account Block Public Access puts all four settings for the account', async () => {
    const h = load();
    await h.handler(event('Update', { Setting: 'AccountPublicAccessBlock', AccountId: '111111111111' }, 'account-public-access-block-111111111111'), context);
    expect(h.sent).toEqual([
      {
        command: 'PutPublicAccessBlock',
        input: {
          AccountId: '111111111111',
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        },
      },
    ]);
    expect(h.responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'account-public-access-block-111111111111' });
  });

  test('an SDK error answers FAILED with the reason', async () => {
    const h = load('User is not authorized to perform: ec2:EnableEbsEncryptionByDefault');
    await h.handler(event('Create', { Setting: 'EbsEncryptionByDefault', KmsKeyId: KEY_ARN }), context);
    expect(h.responses[0].body.Status).toBe('FAILED');
    expect(h.responses[0].body.Reason).toMatch(/not authorized to perform: ec2:EnableEbsEncryptionByDefault/);
  });

  test('fails if the key is not a key ARN (an alias could be re-pointed), without calling EC2', async () => {
    const h = load();
    await h.handler(event('Create', { Setting: 'EbsEncryptionByDefault', KmsKeyId: 'alias/data' }), context);
    expect(h.sent).toEqual([]);
    expect(h.responses[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/KmsKeyId: received alias\/data; expected a key ARN/) });
  });

  test('fails on an unknown setting', async () => {
    const h = load();
    await h.handler(event('Create', { Setting: 'Other' }), context);
    expect(h.responses[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/Setting: received Other; expected/) });
  });

  test('Delete leaves the setting on: no SDK call, SUCCESS with the same physical id', async () => {
    const h = load();
    await h.handler(event('Delete', { Setting: 'EbsEncryptionByDefault', KmsKeyId: KEY_ARN }, 'ebs-encryption-by-default'), context);
    expect(h.sent).toEqual([]);
    expect(h.responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'ebs-encryption-by-default', Reason: expect.stringMatching(/left on/) });
  });
});
