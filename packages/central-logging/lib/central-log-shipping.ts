import { Aws, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LogClass } from './log-class';
import { subscriptionFilterName } from './private/names';
import { neverShipReason } from './private/recursion-guard';

/** Properties of a CentralLogShipping. */
export interface CentralLogShippingProps {
  /**
   * ARN of the security account's destination in this stack's region, from configuration:
   * `CentralLogDestination.arnFor(securityAccount, region, destinationName)`.
   * A destination only accepts log groups of its own region.
   */
  readonly destinationArn: string;

  /**
   * Create a sender role and pass it in every subscription filter. Required when the
   * destination policy allows an organization (`LogSenders.fromOrganization`): CloudWatch Logs
   * then assumes this role to check that the sender may deliver to the destination.
   * @default false
   */
  readonly useSenderRole?: boolean;
}

/** How one log group is shipped. */
export interface ShipLogGroupOptions {
  /**
   * The class of the log group: it decides the central log group and so the retention.
   * Always explicit: nothing is shipped with a guessed class.
   */
  readonly logClass: LogClass;

  /**
   * Only events that match this pattern are shipped.
   * @default '' (every event)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
   */
  readonly filterPattern?: string;
}

/**
 * The workload side of shipping: subscription filters from chosen log groups to the
 * security account's destination in the same region. Each subscription carries its class in
 * the filter name (`guardrails-<class>-...`), which the forwarder reads.
 *
 * Refuses the forwarder's own log group and the central log groups (the log-recursion trap).
 */
export class CentralLogShipping extends Construct {
  /** The destination the filters point at. */
  public readonly destinationArn: string;
  /** The sender role, when `useSenderRole` is set. */
  public readonly senderRole?: iam.IRole;

  private readonly senderPolicy?: iam.Policy;
  private readonly shipped = new Map<string, LogClass>();
  private readonly shippedGroups: logs.ILogGroup[] = [];

  constructor(scope: Construct, id: string, props: CentralLogShippingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateDestinationArn(props.destinationArn, stack.region);
    this.destinationArn = props.destinationArn;

    if (props.useSenderRole) {
      // Trust CloudWatch Logs only for deliveries from this account and region (confused deputy).
      const role = new iam.Role(this, 'SenderRole', {
        assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
          conditions: {
            StringLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${stack.region}:${stack.account}:*` },
          },
        }),
        description: `CloudWatch Logs checks this account's right to deliver to ${props.destinationArn}`,
      });
      this.senderRole = role;
      this.senderPolicy = new iam.Policy(this, 'SenderPolicy', { roles: [role] });
    }
    // Checked again at synth: a CentralLogDestination of the same app may register the name of
    // its forwarder's log group after a log group of that name was added here.
    this.node.addValidation({
      validate: () => this.shippedGroups.flatMap((group) => {
        const reason = neverShipReason(group);
        return reason ? [`CentralLogShipping: refusing to subscribe log group ${group.node.path}: ${reason}.`] : [];
      }),
    });
  }

  /**
   * Ship a log group to the central destination with an explicit class.
   * Fails if the log group is the forwarder's own or a central log group, or if it is
   * already shipped.
   */
  public addLogGroup(logGroup: logs.ILogGroup, options: ShipLogGroupOptions): logs.CfnSubscriptionFilter {
    const reason = neverShipReason(logGroup);
    if (reason) {
      throw new Error(`CentralLogShipping: refusing to subscribe log group ${logGroup.node.path}: ${reason}.`);
    }
    if (!Object.values(LogClass).includes(options.logClass)) {
      throw new Error(`CentralLogShipping: logClass must be one of ${Object.values(LogClass).join(', ')}, received ${JSON.stringify(options.logClass)}`);
    }
    const key = logGroup.node.path;
    const previous = this.shipped.get(key);
    if (previous !== undefined) {
      throw new Error(`CentralLogShipping: log group ${key} is already shipped with class ${previous}; a log group has one class.`);
    }
    this.shipped.set(key, options.logClass);
    this.shippedGroups.push(logGroup);

    const id = `Ship${Names.nodeUniqueId(logGroup.node)}`;
    const filter = new logs.CfnSubscriptionFilter(this, id, {
      logGroupName: logGroup.logGroupName,
      destinationArn: this.destinationArn,
      filterPattern: options.filterPattern ?? '',
      roleArn: this.senderRole?.roleArn,
    });
    // The class travels in the name: the forwarder reads it from the payload's subscriptionFilters.
    filter.filterName = subscriptionFilterName(options.logClass, Names.uniqueResourceName(filter, { maxLength: 200 }));
    if (this.senderRole && this.senderPolicy) {
      // What the CloudWatch Logs documentation gives the sender role: PutLogEvents on the
      // subscribed log group.
      this.senderPolicy.addStatements(
        new iam.PolicyStatement({
          actions: ['logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      filter.node.addDependency(this.senderPolicy);
    }
    return filter;
  }
}

function validateDestinationArn(arn: string, stackRegion: string): void {
  if (Token.isUnresolved(arn)) return;
  const m = /^arn:[a-z-]+:logs:([a-z0-9-]+):(\d{12}):destination:[^:*]{1,512}$/.exec(arn);
  if (!m) {
    throw new Error(
      `CentralLogShipping: destinationArn must look like arn:<partition>:logs:<region>:<account>:destination:<name>, received ${JSON.stringify(arn)}`,
    );
  }
  if (!Token.isUnresolved(stackRegion) && m[1] !== stackRegion) {
    throw new Error(
      `CentralLogShipping: destinationArn is in ${m[1]} but this stack is in ${stackRegion}; a CloudWatch Logs destination only accepts log groups of its own region. Create a CentralLogDestination in ${stackRegion} and use its ARN.`,
    );
  }
}
