import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * An AWS service that the project's functions reach through an interface VPC endpoint, with the
 * IAM action prefix its endpoint policy is written for.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
 */
export class EndpointService {
  /** AWS Secrets Manager (rotation functions read and write secret versions). */
  public static readonly SECRETS_MANAGER = new EndpointService('SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, 'secretsmanager', [
    'secretsmanager:GetRandomPassword',
  ]);
  /** AWS KMS (decrypt and generate data keys for secrets, queues and streams). */
  public static readonly KMS = new EndpointService('Kms', ec2.InterfaceVpcEndpointAwsService.KMS, 'kms', ['kms:GenerateRandom']);
  /** Amazon CloudWatch Logs (the forwarder writes the central log groups). */
  public static readonly CLOUDWATCH_LOGS = new EndpointService('Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, 'logs', []);
  /** Amazon Kinesis Data Streams. */
  public static readonly KINESIS_STREAMS = new EndpointService('Kinesis', ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS, 'kinesis', []);
  /** Amazon SQS (dead-letter queues). */
  public static readonly SQS = new EndpointService('Sqs', ec2.InterfaceVpcEndpointAwsService.SQS, 'sqs', []);
  /** AWS STS (functions that assume a role, and the SDK's identity check). */
  public static readonly STS = new EndpointService('Sts', ec2.InterfaceVpcEndpointAwsService.STS, 'sts', ['sts:GetCallerIdentity']);

  /**
   * AWS Lambda, for a token rotation function that invokes a registration hook. Not in `all()`:
   * only needed with a hook.
   */
  public static readonly LAMBDA = new EndpointService('Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA, 'lambda', []);

  /** Every interface endpoint the project's own functions need (Lambda only with a registration hook: add `LAMBDA`). */
  public static all(): EndpointService[] {
    return [
      EndpointService.SECRETS_MANAGER,
      EndpointService.KMS,
      EndpointService.CLOUDWATCH_LOGS,
      EndpointService.KINESIS_STREAMS,
      EndpointService.SQS,
      EndpointService.STS,
    ];
  }

  /**
   * @param id construct id suffix of the endpoint
   * @param service the CDK endpoint service
   * @param actionPrefix IAM action prefix of the service, e.g. `secretsmanager`
   * @param actionsWithoutResource actions of the service that act on no resource (IAM
   *   `Resource: "*"`), so `aws:ResourceAccount` cannot scope them
   */
  private constructor(
    /** Construct id suffix of the endpoint, e.g. `SecretsManager`. */
    public readonly id: string,
    /** The CDK endpoint service. */
    public readonly service: ec2.InterfaceVpcEndpointAwsService,
    /** IAM action prefix of the service, e.g. `secretsmanager`. */
    public readonly actionPrefix: string,
    /** Actions of the service that act on no resource; allowed for this account's principals only. */
    public readonly actionsWithoutResource: string[],
  ) {}
}
