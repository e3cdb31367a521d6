// Copied verbatim from /work/shared/bench/equivalent-app.js (the floor named in issue 20) so the benchmark is self-contained.
// The hand-written equivalent of one workload account-region, with plain aws-cdk-lib and no checks:
// 3 KMS keys with rotation, an SSL-only KMS bucket with a deny-unencrypted policy, a trail bucket + trail,
// 3 log groups (KMS + retention), a secret with a rotation Lambda, an EventBridge rule to a log group,
// a subscription filter. It is the floor the synth benchmark compares the workload app with.
// Usage (from the repository root, after npm ci): node ../shared/bench/equivalent-app.js OUTDIR ACCOUNTS
// (two regions per account, like bench/synth). PROJECT=<dir> points at another checkout.
const path = require('path');
const cdk = require(path.resolve(process.env.PROJECT || process.cwd(), 'node_modules/aws-cdk-lib'));
const { aws_kms: kms, aws_s3: s3, aws_iam: iam, aws_logs: logs, aws_secretsmanager: sm, aws_lambda: lambda,
  aws_events: events, aws_events_targets: targets, aws_cloudtrail: trail, aws_logs_destinations: dest } = cdk;
const [outdir, n] = [process.argv[2], Number(process.argv[3] || 1)];
const app = new cdk.App({ outdir, context: { 'aws:cdk:disable-creation-stack-traces': true } });
for (let a = 0; a < n; a++) for (const region of ['us-east-1', 'eu-west-1']) {
  const account = String(200000000000 + a);
  const st = new cdk.Stack(app, `eq-${a}-${region}`, { env: { account, region } });
  const keys = ['data', 'secrets', 'logs'].map((k) => new kms.Key(st, k, { enableKeyRotation: true, alias: `g/${k}` }));
  keys[2].addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'], resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:*` } } }));
  const data = new s3.Bucket(st, 'Data', { encryption: s3.BucketEncryption.KMS, encryptionKey: keys[0], enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, versioned: true });
  data.addToResourcePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:PutObject'],
    resources: [data.arnForObjects('*')], conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keys[0].keyArn } } }));
  const tb = new s3.Bucket(st, 'Trail', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, versioned: true });
  const groups = [3653, 90, 30].map((d, i) => new logs.LogGroup(st, `G${i}`, { retention: d, encryptionKey: keys[2] }));
  new trail.Trail(st, 'T', { bucket: tb, cloudWatchLogGroup: groups[0], sendToCloudWatchLogs: true });
  new events.Rule(st, 'IamChanges', { eventPattern: { source: ['aws.iam'] }, targets: [new targets.CloudWatchLogGroup(groups[1])] });
  const fn = new lambda.Function(st, 'Rotate', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}') });
  const secret = new sm.Secret(st, 'ApiKey', { encryptionKey: keys[1] });
  secret.addRotationSchedule('R', { rotationLambda: fn, automaticallyAfter: cdk.Duration.days(90) });
  const role = new iam.Role(st, 'LogsWriter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  groups[2].grantWrite(role); data.grantRead(role);
  new logs.SubscriptionFilter(st, 'Ship', { logGroup: groups[1], filterPattern: logs.FilterPattern.allEvents(),
    destination: { bind: () => ({ arn: `arn:aws:logs:${region}:111111111111:destination:central` }) } });
}
app.synth();
