/** How the GuardDuty detector's protection plans are written (see GuardDutyProtection for the sources). */
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { IConstruct } from 'constructs';
import { GuardDutyProtection } from '../guardduty-protection';
import { propError } from './errors';

type Plans = Pick<guardduty.CfnDetectorProps, 'dataSources' | 'features'>;

const AGENT_MANAGEMENT = {
  eksAgentManagement: 'EKS_ADDON_MANAGEMENT',
  ecsFargateAgentManagement: 'ECS_FARGATE_AGENT_MANAGEMENT',
  ec2AgentManagement: 'EC2_AGENT_MANAGEMENT',
} as const;

function status(enabled: boolean): string {
  return enabled ? 'ENABLED' : 'DISABLED';
}

export function validateGuardDutyProtection(scope: IConstruct, protection: GuardDutyProtection | undefined, enableGuardDuty: boolean): void {
  if (protection === undefined) return;
  if (!enableGuardDuty) {
    throw propError(
      scope,
      'guardDutyProtection',
      'a value with enableGuardDuty false',
      'guardDutyProtection only with enableGuardDuty true',
      'Remove guardDutyProtection or enable GuardDuty',
    );
  }
  for (const [prop, name] of Object.entries(AGENT_MANAGEMENT)) {
    if (protection[prop as keyof typeof AGENT_MANAGEMENT] === true && protection.runtimeMonitoring !== true) {
      throw propError(
        scope,
        `guardDutyProtection.${prop}`,
        `true with runtimeMonitoring ${protection.runtimeMonitoring ?? 'undefined'}`,
        `${prop} (${name}) only with runtimeMonitoring true`,
        'Set runtimeMonitoring to true or remove the agent management',
      );
    }
  }
}

/**
 * `DataSources` when only plans that have a data source are set (CT.GUARDDUTY.PR.1 reads only
 * `DataSources.S3Logs`); otherwise `Features` for every plan, since a detector cannot have both.
 */
export function detectorPlans(protection: GuardDutyProtection = {}): Plans {
  const eksAuditLogs = protection.eksAuditLogs ?? true;
  const ebsMalwareProtection = protection.ebsMalwareProtection ?? true;
  const featureOnly = protection.rdsLoginEvents !== undefined || protection.lambdaNetworkLogs !== undefined || protection.runtimeMonitoring !== undefined;
  if (!featureOnly) {
    return {
      dataSources: {
        s3Logs: { enable: true },
        kubernetes: { auditLogs: { enable: eksAuditLogs } },
        malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: ebsMalwareProtection } },
      },
    };
  }
  const features: guardduty.CfnDetector.CFNFeatureConfigurationProperty[] = [
    { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
    { name: 'EKS_AUDIT_LOGS', status: status(eksAuditLogs) },
    { name: 'EBS_MALWARE_PROTECTION', status: status(ebsMalwareProtection) },
  ];
  if (protection.rdsLoginEvents !== undefined) features.push({ name: 'RDS_LOGIN_EVENTS', status: status(protection.rdsLoginEvents) });
  if (protection.lambdaNetworkLogs !== undefined) features.push({ name: 'LAMBDA_NETWORK_LOGS', status: status(protection.lambdaNetworkLogs) });
  if (protection.runtimeMonitoring !== undefined) {
    features.push({
      name: 'RUNTIME_MONITORING',
      status: status(protection.runtimeMonitoring),
      // Agent management only means something with Runtime Monitoring on (validated above).
      additionalConfiguration: protection.runtimeMonitoring
        ? Object.entries(AGENT_MANAGEMENT).map(([prop, name]) => ({
            name,
            status: status(protection[prop as keyof typeof AGENT_MANAGEMENT] ?? false),
          }))
        : undefined,
    });
  }
  return { features };
}
