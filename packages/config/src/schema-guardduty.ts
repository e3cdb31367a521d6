/** The GuardDuty protection plans of the detective controls (config detectiveControls.guardDutyProtection). */
import { z } from 'zod';

const AGENT_MANAGEMENT = ['eksAgentManagement', 'ecsFargateAgentManagement', 'ec2AgentManagement'] as const;

const PLAN_WITHOUT_DATA_SOURCE =
  'leave it out to keep the detector in the DataSources form AWS Control Tower CT.GUARDDUTY.PR.1 checks (setting it writes the detector as Features, which that control reports)';

/**
 * S3 protection is not a switch: it is AWS Control Tower's CT.GUARDDUTY.PR.1. The plans with a data
 * source default on (billed by use: nothing without EKS, scans only on a finding); the plans that
 * exist only as GuardDuty features are left to GuardDuty unless set.
 */
export const GUARDDUTY_PROTECTION = z
  .strictObject({
    s3Protection: z
      .literal(true, { error: 'expected true or nothing: S3 protection is the AWS Control Tower guardrail CT.GUARDDUTY.PR.1 and cannot be switched off' })
      .optional()
      .describe('Always on (AWS Control Tower CT.GUARDDUTY.PR.1); only true is accepted'),
    eksAuditLogs: z.boolean().default(true).describe('EKS Protection: EKS audit logs (billed by log volume)'),
    ebsMalwareProtection: z.boolean().default(true).describe('Malware Protection for EC2: scan the EBS volumes a finding reports (billed per GB scanned)'),
    rdsLoginEvents: z.boolean().optional().describe(`RDS Protection (login events); ${PLAN_WITHOUT_DATA_SOURCE}`),
    lambdaNetworkLogs: z.boolean().optional().describe(`Lambda Protection (network activity); ${PLAN_WITHOUT_DATA_SOURCE}`),
    runtimeMonitoring: z.boolean().optional().describe(`Runtime Monitoring of EKS, ECS and EC2 (billed per vCPU); ${PLAN_WITHOUT_DATA_SOURCE}`),
    eksAgentManagement: z.boolean().default(false).describe('GuardDuty manages its agent as an EKS add-on (only with runtimeMonitoring true)'),
    ecsFargateAgentManagement: z.boolean().default(false).describe('GuardDuty injects its agent into ECS Fargate tasks (only with runtimeMonitoring true)'),
    ec2AgentManagement: z.boolean().default(false).describe('GuardDuty installs its agent on EC2 through Systems Manager (only with runtimeMonitoring true)'),
  })
  .superRefine((plans, ctx) => {
    for (const field of AGENT_MANAGEMENT) {
      if (plans[field] && plans.runtimeMonitoring !== true) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          input: plans[field],
          message: `expected false unless runtimeMonitoring is true (runtimeMonitoring is ${plans.runtimeMonitoring ?? 'not set'})`,
        });
      }
    }
  });

export const GUARDDUTY_PROTECTION_DEFAULT = {
  eksAuditLogs: true,
  ebsMalwareProtection: true,
  eksAgentManagement: false,
  ecsFargateAgentManagement: false,
  ec2AgentManagement: false,
};
