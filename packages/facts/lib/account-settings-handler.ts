/**
 * The inline code of the function that applies the account-level settings (EBS encryption by
 * default with a key, S3 Block Public Access for the account), which `EbsEncryptionByDefault` of
 * `@cdk-guardrails/kms-hierarchy` and `AccountPublicAccessBlock` of `@cdk-guardrails/s3-encryption`
 * deploy: one function per stack, created by whichever of the two comes first and found by the
 * other under `FUNCTION_ID`, so both must deploy the same code. It lives here, the one leaf package
 * both depend on (construct packages do not depend on each other), so there is one copy.
 *
 * Why inline: an `AwsCustomResource` handler is an asset, and StackSets refuse templates with
 * assets (docs/stacksets.md), so StackSet-deployed accounts could not get the settings. A Lambda
 * `ZipFile` (`Code.fromInline`) has no asset; its limit is 4,096 characters (CloudFormation
 * `AWS::Lambda::Function` Code.ZipFile), `ZIP_FILE_MAX_CHARS`.
 *
 * The code uses the AWS SDK v3 that the Node.js 18+ Lambda runtimes include (`@aws-sdk/client-ec2`,
 * `@aws-sdk/client-s3-control`; no bundling) and answers CloudFormation itself with an HTTPS PUT
 * to the pre-signed `ResponseURL`: the `cfn-response` module is provided for `ZipFile` code only
 * in some runtimes, so the handler does not rely on it.
 *
 * Semantics: Create and Update apply the setting named by the `Setting` property (EBS: enable,
 * then set the default key to `KmsKeyId`; S3: all four Block Public Access settings for
 * `AccountId`). Delete leaves the setting on (the secure choice, and what the former
 * `AwsCustomResource` version did: it had no `onDelete`): removing a guardrail is a decision for
 * outside the stack. Any error answers FAILED with the error's message, so the deployment fails
 * and rolls back instead of hanging until the CloudFormation timeout.
 *
 * Plain JavaScript (CommonJS) in a string: the tests execute this very string with a mocked SDK
 * and a mocked `https` (packages/kms-hierarchy/test/account-settings-handler.test.ts).
 */
export class AccountSettingsHandler {
  /** The handler's source: CommonJS, handler `index.handler`, for `lambda.Code.fromInline`. */
  public static readonly CODE: string = `const https = require('https');
const { EC2Client, EnableEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand } = require('@aws-sdk/client-ec2');
const { S3ControlClient, PutPublicAccessBlockCommand } = require('@aws-sdk/client-s3-control');

async function apply(p) {
  if (p.Setting === 'EbsEncryptionByDefault') {
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key[/][A-Za-z0-9-]+$/.test(p.KmsKeyId || '')) throw new Error('KmsKeyId: received ' + p.KmsKeyId + '; expected a key ARN');
    const ec2 = new EC2Client({});
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    await ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: p.KmsKeyId }));
    return 'ebs-encryption-by-default';
  }
  if (p.Setting === 'AccountPublicAccessBlock') {
    const s3 = new S3ControlClient({});
    await s3.send(new PutPublicAccessBlockCommand({
      AccountId: p.AccountId,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }));
    return 'account-public-access-block-' + p.AccountId;
  }
  throw new Error('Setting: received ' + p.Setting + '; expected EbsEncryptionByDefault or AccountPublicAccessBlock');
}

function respond(e, c, status, reason, id) {
  const body = JSON.stringify({
    Status: status, Reason: (reason + ' (log stream ' + c.logStreamName + ')').slice(0, 1000), PhysicalResourceId: id,
    StackId: e.StackId, RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId, NoEcho: false, Data: {},
  });
  const u = new URL(e.ResponseURL);
  return new Promise((resolve, reject) => {
    const r = https.request({ hostname: u.hostname, path: u.pathname + u.search, method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    r.on('error', reject);
    r.end(body);
  });
}

exports.handler = async (e, c) => {
  let status = 'SUCCESS';
  let reason = 'applied';
  let id = e.PhysicalResourceId || e.LogicalResourceId;
  try {
    if (e.RequestType === 'Delete') reason = 'deleted from the stack; the setting is left on (remove it outside the stack)';
    else id = await apply(e.ResourceProperties || {});
  } catch (err) {
    status = 'FAILED';
    reason = String((err && err.message) || err);
  }
  await respond(e, c, status, reason, id);
};
`;

  /** CloudFormation's limit on `AWS::Lambda::Function` `Code.ZipFile`: 4,096 characters. */
  public static readonly ZIP_FILE_MAX_CHARS = 4096;

  /** The stack-relative id of the stack's one settings function: whichever construct comes first creates it, the other finds it there. */
  public static readonly FUNCTION_ID = 'GuardrailsAccountSettingsFunction';

  /** The description of the settings function. */
  public static readonly FUNCTION_DESCRIPTION =
    'Applies account-level guardrail settings for CloudFormation (EBS encryption by default, S3 Block Public Access)';

  /** Why the settings function's role has no permissions boundary (the value of its opt-out metadata). */
  public static readonly BOUNDARY_OPT_OUT_REASON =
    'applies account-level settings (S3 Block Public Access, EBS encryption by default) that the permissions boundary denies to every bounded identity; its only permissions are those calls. Protected by the guardrails:protected tag instead';

  private constructor() {}
}
