import {
  ApiKeyConfig,
  apiKeyName,
  apiKeyRegistrationHook,
  DatabaseConfig,
  GuardrailsConfig,
  OWN_ROTATION_DATABASE_ENGINES,
  PRODUCTION_ENVIRONMENTS,
  rotationFunctionName,
  rotationLogGroupName,
  rotationLogWriterRoleName,
} from '@cdk-guardrails/config';
import {
  DatabaseEngine,
  DatabaseRotationStrategy,
  RotatingApiKey,
  RotatingDatabaseSecret,
  RotatingServiceToken,
  RotationLimits,
} from '@cdk-guardrails/secrets-rotation';
import { PrivateNetwork } from '@cdk-guardrails/resilience';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

const ENGINES: Record<DatabaseConfig['engine'], DatabaseEngine> = {
  mysql: DatabaseEngine.MYSQL,
  postgres: DatabaseEngine.POSTGRESQL,
  oracle: DatabaseEngine.ORACLE,
  mariadb: DatabaseEngine.MARIADB,
  sqlserver: DatabaseEngine.SQLSERVER,
  redshift: DatabaseEngine.REDSHIFT,
  mongo: DatabaseEngine.MONGODB,
};

export interface WorkloadSecretsProps {
  readonly secretsKey: kms.IKey;
  /** Encrypts the rotation functions' log groups. */
  readonly logsKey: kms.IKey;
  readonly settings: GuardrailsConfig['secrets'];
  readonly environment: string;
  readonly databases: DatabaseConfig[];
  /** Names, or names with the registration hook (required in production by the config loader). */
  readonly apiKeys: ApiKeyConfig[];
  readonly serviceTokens: string[];
  readonly removalPolicy: RemovalPolicy;
  /**
   * Network mode: the rotation functions run in its private subnets (the databases' in the
   * database's VPC, which is this network's VPC) and may reach its endpoints.
   * @default - the functions run outside any VPC
   */
  readonly network?: PrivateNetwork;
  /** Retention of the database rotations' log groups (the security class). */
  readonly rotationLogRetention: logs.RetentionDays;
  /**
   * Who may still stop or re-point a rotation, re-key, re-policy or delete a secret (exact ARNs):
   * the execution roles, the StackSet execution role, the log admin and break-glass of the account
   * (`guardrailAdministratorArns`, as for the other guardrail resources). It must hold the execution
   * role of this region (CloudFormation writes the policy and the rotation schedule with it) and
   * break-glass: nobody outside the list, the root user included, can change the policy afterwards.
   */
  readonly administratorArns: string[];
}

/**
 * The account's rotating secrets in one region: DB credentials (30 days), API keys and service
 * tokens (90 days), each encrypted with the secrets key and closed to other accounts.
 */
export class WorkloadSecrets extends Construct {
  /** The database rotations' log groups (/guardrails/lambda/<function>; hosted engines /aws/lambda/<function>), to ship to the security class. */
  public readonly rotationLogGroups: logs.ILogGroup[] = [];

  constructor(scope: Construct, id: string, props: WorkloadSecretsProps) {
    super(scope, id);
    const { settings } = props;
    const prod = PRODUCTION_ENVIRONMENTS.includes(props.environment);
    // In production the constructs also enforce the class limits (the config loader checks them first).
    const cap = (days: number) => (prod ? Duration.days(days) : undefined);
    const common = {
      encryptionKey: props.secretsKey,
      allowedCrossAccountRoleArns: settings.allowedCrossAccountRoleArns,
      // The secret's own policy denies everyone else cancelling or re-pointing the rotation,
      // re-keying or re-policing it: it holds without the SCPs.
      administratorArns: props.administratorArns,
      removalPolicy: props.removalPolicy,
    };

    for (const db of props.databases) {
      const vpc = ec2.Vpc.fromVpcAttributes(this, `${db.name}-Vpc`, {
        vpcId: db.vpcId,
        availabilityZones: db.availabilityZones,
        privateSubnetIds: db.privateSubnetIds,
      });
      const functionName = rotationFunctionName('db', db.name);
      const secret = new RotatingDatabaseSecret(this, `${db.name}-Credentials`, {
        ...common,
        secretName: `${props.environment}/${db.name}/credentials`,
        engine: ENGINES[db.engine],
        host: db.host,
        port: db.port,
        username: db.username,
        vpc,
        database: ec2.SecurityGroup.fromSecurityGroupId(this, `${db.name}-SecurityGroup`, db.securityGroupId),
        rotationStrategy: db.masterSecretArn
          ? DatabaseRotationStrategy.multiUser(secretsmanager.Secret.fromSecretCompleteArn(this, `${db.name}-Master`, db.masterSecretArn))
          : DatabaseRotationStrategy.singleUser(),
        rotationInterval: Duration.days(settings.rotationDays.database),
        maxRotationInterval: cap(RotationLimits.MAX_DATABASE_DAYS),
        // A protected name, and its log group created here: encrypted with the logs key, with the
        // security class retention, shipped by the caller (rotationLogGroups).
        rotationFunctionName: functionName,
        logEncryptionKey: props.logsKey,
        logRetention: props.rotationLogRetention,
        ...(OWN_ROTATION_DATABASE_ENGINES.includes(db.engine)
          ? {
              // Our function: its log group under /guardrails/lambda/ and its role the one writer of it
              // (SCP protect-tagged-guardrail-resources), like the token rotations. Hosted engines keep
              // /aws/lambda/<function> (AWS names the role).
              rotationLogGroupName: rotationLogGroupName(functionName),
              rotationRoleName: rotationLogWriterRoleName(functionName, Stack.of(this).region),
              // Network mode: private subnets only; the database's VPC is the network's VPC (config loader).
              vpcSubnets: props.network?.subnetSelection,
            }
          : {}),
      });
      if (secret.rotationLogGroup) this.rotationLogGroups.push(secret.rotationLogGroup);
      // The config loader checked that the database's VPC is the network's VPC: the rotation
      // function reaches Secrets Manager through its endpoints.
      props.network?.allowEndpointAccessFrom(secret);
    }
    const network = props.network;
    const tokenCommon = {
      ...common,
      logEncryptionKey: props.logsKey,
      vpc: network?.vpc,
      vpcSubnets: network?.subnetSelection,
      securityGroups: network ? [network.functionSecurityGroup] : undefined,
    };
    for (const key of props.apiKeys) {
      const name = apiKeyName(key);
      const hook = apiKeyRegistrationHook(key);
      new RotatingApiKey(this, `${name}-ApiKey`, {
        ...tokenCommon,
        // The function that tells the partner the new key (setSecret, testSecret), same name in every
        // region of the account; its role is granted read of the pending and current values.
        registrationHook:
          hook === undefined
            ? undefined
            : lambda.Function.fromFunctionAttributes(this, `${name}-RegistrationHook`, {
                functionArn: Stack.of(this).formatArn({
                  service: 'lambda',
                  resource: 'function',
                  resourceName: hook.functionName,
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
                role: iam.Role.fromRoleName(this, `${name}-RegistrationHookRole`, hook.roleName),
                sameEnvironment: true,
              }),
        rotationFunctionName: rotationFunctionName('key', name),
        rotationLogGroupName: rotationLogGroupName(rotationFunctionName('key', name)),
        // The one writer of that log group (SCP protect-tagged-guardrail-resources).
        rotationRoleName: rotationLogWriterRoleName(rotationFunctionName('key', name), Stack.of(this).region),
        secretName: `${props.environment}/${name}/api-key`,
        rotationInterval: Duration.days(settings.rotationDays.apiKey),
        maxRotationInterval: cap(RotationLimits.MAX_API_KEY_DAYS),
      });
    }
    for (const name of props.serviceTokens) {
      new RotatingServiceToken(this, `${name}-ServiceToken`, {
        ...tokenCommon,
        rotationFunctionName: rotationFunctionName('token', name),
        rotationLogGroupName: rotationLogGroupName(rotationFunctionName('token', name)),
        rotationRoleName: rotationLogWriterRoleName(rotationFunctionName('token', name), Stack.of(this).region),
        secretName: `${props.environment}/${name}/service-token`,
        rotationInterval: Duration.days(settings.rotationDays.serviceToken),
        maxRotationInterval: cap(RotationLimits.MAX_SERVICE_TOKEN_DAYS),
      });
    }
  }
}
