/**
 * Compliance acknowledgements of the detective controls (construct `DetectiveControls/Controls` in
 * a stack: AWS Config's bucket and recorder role), shared by the workload and security apps.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { Acknowledgement, logicalIdAt, packRuleIds, resourceAt } from './compliance-gate';
import { controlTowerRuleId } from './control-tower';

const BUCKET = 'DetectiveControls/Controls/ConfigBucket/Resource';

export function detectiveControlsAcknowledgements(): Acknowledgement[] {
  return [
    {
      path: BUCKET,
      ids: [controlTowerRuleId('CT.S3.PR.9')],
      reason:
        'AWS Config does not support a delivery channel to a bucket with S3 Object Lock (AWS::Config::DeliveryChannel, CloudFormation reference); instead only AWS Config and its recorder role write its objects and only the guardrail administrators delete them (ProtectLogObjects) or change the bucket (ProtectBucketConfiguration), and its findings are shipped to the security account (audit class)',
    },
    {
      path: BUCKET,
      ids: packRuleIds('S3BucketReplicationEnabled'),
      reason:
        'single-region by design (a KMS key cannot be used outside its region); the audit copy that must survive is the central one: AWS Config and CloudTrail findings are shipped to the security account log groups (audit class, 10 years)',
    },
    // CT.GUARDDUTY.PR.1 reads only DataSources.S3Logs; a detector with RDS, Lambda or Runtime Monitoring
    // set must use Features (CloudFormation refuses both forms), where S3 protection is S3_DATA_EVENTS.
    {
      path: 'DetectiveControls/Controls/Detector',
      idsForStack: (stack: Stack) => (s3ProtectionAsFeature(stack) ? [controlTowerRuleId('CT.GUARDDUTY.PR.1')] : []),
      reason:
        'S3 protection is on as the feature S3_DATA_EVENTS: this environment sets a protection plan that exists only as a feature (RDS login events, Lambda network logs or Runtime Monitoring), and a detector cannot have both DataSources (the only form the rule reads) and Features',
    },
    // The Config bucket's policy denies PUTs without the encryption header (and with another key) to all
    // but AWS Config's own deliveries (DetectiveControls): Guardrails-S3BucketPolicyEnforcesEncryption passes.
    // The recorder role's opt-out of the boundary is recorded by DetectiveControls itself (metadata
    // the Guardrails pack reads): no acknowledgement needed.
    {
      path: 'DetectiveControls/Controls/RecorderRole/Resource',
      ids: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]'],
      reason:
        'AWS_ConfigRole is the AWS-maintained policy the configuration recorder needs to describe every recorded resource type; a hand-written copy would fall behind new resource types',
    },
    {
      path: 'DetectiveControls/Controls/RecorderRole/DefaultPolicy/Resource',
      idsForStack: (stack: Stack) => {
        const bucketId = logicalIdAt(stack, BUCKET, 'ConfigBucket');
        return [
          'AwsSolutions-IAM5[Action::s3:Abort*]',
          'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
          // cdk-nag names an unresolved account (the StackSet baseline's) as the pseudo parameter.
          `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/AWSLogs/${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}/Config/*]`,
        ];
      },
      reason:
        'CDK grants for the delivery channel: write to the AWSLogs/<this account>/Config/ prefix of the one Config bucket and use of the one data key (kms:GenerateDataKey*/ReEncrypt* on that key ARN only)',
    },
    {
      path: 'DetectiveControls/Controls/RecorderRole/DefaultPolicy/Resource',
      ids: packRuleIds('IAMNoInlinePolicy'),
      reason:
        'CDK grant policy attached to exactly one role (the recorder role) and scoped to its bucket prefix and key; inline keeps it deleted with the role and never reused by another principal',
    },
  ];
}

/** Whether the stack's detector enables S3 protection as the feature S3_DATA_EVENTS (and has no DataSources). */
function s3ProtectionAsFeature(stack: Stack): boolean {
  const detector = resourceAt(stack, 'DetectiveControls/Controls/Detector');
  if (detector === undefined) return false;
  const features = stack.resolve((detector as unknown as { features?: unknown }).features);
  const dataSources = stack.resolve((detector as unknown as { dataSources?: unknown }).dataSources);
  return (
    dataSources === undefined &&
    Array.isArray(features) &&
    features.some((feature: { name?: unknown; status?: unknown }) => feature.name === 'S3_DATA_EVENTS' && feature.status === 'ENABLED')
  );
}
