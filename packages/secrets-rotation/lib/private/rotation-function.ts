import * as fs from 'fs';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { grantKeyUseViaSecretsManager } from './secret-guardrails';
import * as path from 'path';

/** Directory of a handler built by `npm run build:lambda` (lambda-src/<name> -> lambda/<name>). */
export function handlerDir(name: string): string {
  return path.join(__dirname, '..', '..', 'lambda', name);
}

export interface RotationFunctionOptions {
  /** Built handler directory (holds index.js). */
  readonly handlerDir: string;
  readonly description: string;
  readonly roleDescription: string;
  readonly functionName?: string;
  readonly roleName?: string;
  readonly logGroupName?: string;
  readonly logEncryptionKey?: kms.IKey;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly environment: Record<string, string>;
  readonly reservedConcurrentExecutions: number;
  /** The secret's key: the role uses it through Secrets Manager only. */
  readonly secretKey: kms.IKey;
}

export interface RotationFunctionParts {
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly rotationFunction: lambda.Function;
}

/**
 * A rotation function of this package, in `scope`: its own role (no AWSLambdaBasicExecutionRole,
 * which allows writing every log group), its own log group (created before the function, with a
 * retention and the given key), and the secret's key through Secrets Manager only. A role of the
 * construct, so a permissions boundary applied to the app reaches it (AWS's hosted rotation
 * creates a role nobody can bound).
 */
export function buildRotationFunction(scope: Construct, o: RotationFunctionOptions): RotationFunctionParts {
  if (!fs.existsSync(path.join(o.handlerDir, 'index.js'))) {
    throw new Error(
      `${scope.node.path}: the rotation handler ${o.handlerDir}/index.js is missing; run 'npm run build:lambda' in @cdk-guardrails/secrets-rotation`,
    );
  }
  const logGroup = new logs.LogGroup(scope, 'RotationFunctionLogs', {
    logGroupName: o.logGroupName,
    retention: o.logRetention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: o.logEncryptionKey,
    removalPolicy: o.removalPolicy,
  });
  const role = new iam.Role(scope, 'RotationFunctionRole', {
    roleName: o.roleName,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: o.roleDescription,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  if (o.vpc !== undefined) {
    // Lambda manages the function's network interfaces with the execution role and checks these
    // permissions when the function is created. Not the AWSLambdaVPCAccessExecutionRole managed
    // policy: it also allows writing to every log group. The Describe actions support no
    // resource-level scoping; Create/Delete could be narrowed to the subnets and security groups
    // later (ec2:Subnet / ec2:SecurityGroup ARNs).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ManageOwnNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
  }
  const rotationFunction = new lambda.Function(scope, 'RotationFunction', {
    functionName: o.functionName,
    description: o.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(o.handlerDir),
    role,
    logGroup,
    timeout: Duration.minutes(1),
    memorySize: 256,
    reservedConcurrentExecutions: o.reservedConcurrentExecutions,
    environment: o.environment,
    vpc: o.vpc,
    vpcSubnets: o.vpcSubnets,
    securityGroups: o.securityGroups,
  });
  rotationFunction.node.addDependency(logGroup);
  // Reading and writing versions makes Secrets Manager decrypt and generate data keys
  // with the caller's rights: the key, through Secrets Manager only.
  grantKeyUseViaSecretsManager(scope, role, o.secretKey, ['kms:Decrypt', 'kms:GenerateDataKey']);
  return { role, logGroup, rotationFunction };
}

/**
 * CDK's RotationSchedule lets secretsmanager.amazonaws.com invoke the function without a
 * source condition; add `SourceAccount` so no other account's secret can use this
 * function (confused deputy).
 */
export function restrictInvokePermissionToThisAccount(fn: lambda.Function): void {
  const account = Stack.of(fn).account;
  let found = 0;
  for (const child of fn.node.findAll()) {
    if (child instanceof lambda.CfnPermission && child.principal === 'secretsmanager.amazonaws.com') {
      child.sourceAccount = account;
      found += 1;
    }
  }
  if (found === 0) {
    throw new Error(`${fn.node.path}: internal error, no Secrets Manager invoke permission found on the rotation function`);
  }
}
