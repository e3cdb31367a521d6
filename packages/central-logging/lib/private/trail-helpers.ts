/** What SecurityEventCapture decides and checks across captures of one app: IAM capture, management events, one all-regions trail per account, trail-bucket deliveries. */
import { IamEvents } from '@cdk-guardrails/facts';
import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TrailScope } from '../security-event-capture-props';
import { namedPropError } from './errors';

/** The only region where IAM (a global service) delivers its CloudTrail events to EventBridge. */
export const IAM_EVENTS_REGION = IamEvents.REGION;

export function decideIamCapture(scope: Construct, region: string, requested: boolean | undefined): boolean {
  if (Token.isUnresolved(region)) {
    if (requested === undefined) {
      Annotations.of(scope).addWarningV2(
        '@cdk-guardrails/central-logging:iamCaptureRegionUnknown',
        `The stack region is not known at synth time, so IAM-change capture is off. IAM events reach EventBridge only in ${IAM_EVENTS_REGION}: give the stack an explicit region, or set captureIamChanges.`,
      );
      return false;
    }
    return requested;
  }
  if (requested === true && region !== IAM_EVENTS_REGION) {
    throw namedPropError(
      scope.node.path,
      'captureIamChanges',
      `true in ${region}`,
      `true only in ${IAM_EVENTS_REGION}: IAM events reach EventBridge only there, so the rule would never fire`,
      `Capture IAM changes in a ${IAM_EVENTS_REGION} stack of this account instead.`,
    );
  }
  return requested ?? region === IAM_EVENTS_REGION;
}

export function decideManagementEvents(where: string, scope: TrailScope, requested: cloudtrail.ReadWriteType | undefined): cloudtrail.ReadWriteType {
  if (scope !== TrailScope.DATA_EVENTS_ONLY) return requested ?? cloudtrail.ReadWriteType.ALL;
  if (requested !== undefined && requested !== cloudtrail.ReadWriteType.NONE) {
    throw new Error(
      `${where}: managementEvents: received ${requested} with trailScope DATA_EVENTS_ONLY; expected NONE or unset (the account's ALL_REGIONS trail records the management events: a second copy is charged)`,
    );
  }
  return cloudtrail.ReadWriteType.NONE;
}

/** The ALL_REGIONS captures of each app, by account: a second one would record every management event twice. */
const allRegionsTrails = new WeakMap<object, Map<string, string>>();

export function registerAllRegionsTrail(capture: Construct): void {
  const account = Stack.of(capture).account;
  if (Token.isUnresolved(account)) return;
  const root = capture.node.root;
  let byAccount = allRegionsTrails.get(root);
  if (byAccount === undefined) {
    byAccount = new Map();
    allRegionsTrails.set(root, byAccount);
  }
  const existing = byAccount.get(account);
  if (existing !== undefined) {
    throw new Error(
      `${capture.node.path}: trailScope: received ALL_REGIONS for account ${account}, which already has a multi-region trail (${existing}); expected one per account: give this capture TrailScope.DATA_EVENTS_ONLY or TrailScope.NONE (every region's management events are recorded twice otherwise, and the second copy is charged)`,
    );
  }
  byAccount.set(account, capture.node.path);
}

/** Per trail bucket: the named trails that deliver into it, and the captures whose trail has no name. */
interface TrailDeliveries {
  readonly namedTrailArns: string[];
  readonly unnamedCaptures: string[];
}
const trailDeliveries = new WeakMap<object, TrailDeliveries>();

/**
 * aws-cdk-lib's bucket statements let cloudtrail.amazonaws.com write under AWSLogs/<account>/
 * without saying for which trail. With a trail name, only that trail (and the other named trails of
 * the same bucket) may deliver (`aws:SourceArn`, built from the name: the trail's own ARN attribute
 * would make a cycle, the trail depending on the bucket policy); without one, only this account's
 * trails (`aws:SourceAccount`): a trail of another account, the confused deputy, never may.
 */
export function restrictTrailDeliveries(capture: Construct, bucket: s3.IBucket, trailName: string | undefined): void {
  const stack = Stack.of(capture);
  let entry = trailDeliveries.get(bucket);
  const first = entry === undefined;
  if (entry === undefined) {
    entry = { namedTrailArns: [], unnamedCaptures: [] };
    trailDeliveries.set(bucket, entry);
  }
  const deliveries = entry;
  if (trailName === undefined) {
    deliveries.unnamedCaptures.push(capture.node.path);
  } else {
    deliveries.namedTrailArns.push(stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName }));
  }
  if (!first) return;
  const denyDeliveriesUnless = (sid: string, key: string, allowed: string | string[]) =>
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { StringNotEquals: { [key]: allowed } },
      }),
    );
  denyDeliveriesUnless('DenyCloudTrailDeliveryForOtherAccounts', 'aws:SourceAccount', stack.account);
  // Every capture of a bucket names its trail, or none does (validated below).
  if (trailName !== undefined) {
    denyDeliveriesUnless('DenyCloudTrailDeliveryForOtherTrails', 'aws:SourceArn', Lazy.list({ produce: () => deliveries.namedTrailArns }));
  }
  capture.node.addValidation({
    validate: () =>
      deliveries.namedTrailArns.length > 0 && deliveries.unnamedCaptures.length > 0
        ? [
            `trailName: the trail of ${deliveries.unnamedCaptures.join(', ')} has no name, and another trail delivering into the same bucket has one: the bucket would refuse the unnamed trail's log files; name every trail of a shared bucket`,
          ]
        : [],
  });
}

/** Two keys given by resolved ARNs that name the same key. */
export function sameKeyArn(a: kms.IKey, b: kms.IKey): boolean {
  return !Token.isUnresolved(a.keyArn) && !Token.isUnresolved(b.keyArn) && a.keyArn === b.keyArn;
}

export function keyLabel(key: kms.IKey): string {
  return Token.isUnresolved(key.keyArn) ? key.node.path : key.keyArn;
}
