/**
 * The GuardDuty protection plans of the detector DetectiveControls creates, besides S3 protection,
 * which is always on (it is AWS Control Tower's proactive control CT.GUARDDUTY.PR.1 and is not
 * offered as a switch).
 *
 * How the detector is written (verified 2026-12 in the AWS documentation):
 * - `AWS::GuardDuty::Detector`: "Make sure you use either DataSources or Features in a one request,
 *   and not both" (CloudFormation resource reference); the GuardDuty API rejects a request with both
 *   ("GuardDuty API changes in March 2023", and the handler message quoted in
 *   aws-cloudformation/cfn-lint#4153: "both data sources and features were provided").
 * - CT.GUARDDUTY.PR.1 only recognises `DataSources.S3Logs.Enable: true`.
 * - Only the plans older than March 2023 have a data source: S3 (`S3Logs` = `S3_DATA_EVENTS`),
 *   EKS audit logs (`Kubernetes.AuditLogs` = `EKS_AUDIT_LOGS`) and EBS malware protection
 *   (`MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes` = `EBS_MALWARE_PROTECTION`).
 *   RDS login events (`RDS_LOGIN_EVENTS`), Lambda network activity (`LAMBDA_NETWORK_LOGS`) and
 *   Runtime Monitoring (`RUNTIME_MONITORING`, with the additional configurations
 *   `EKS_ADDON_MANAGEMENT`, `ECS_FARGATE_AGENT_MANAGEMENT`, `EC2_AGENT_MANAGEMENT`) exist only as
 *   features (API reference: DetectorFeatureConfiguration, DetectorAdditionalConfiguration).
 * - CreateDetector: "When you don't specify any features, with an exception to RUNTIME_MONITORING,
 *   all the optional features are enabled by default."
 *
 * So the detector is written with `DataSources` (compliant with CT.GUARDDUTY.PR.1) unless one of
 * `rdsLoginEvents`, `lambdaNetworkLogs` or `runtimeMonitoring` is set: then every plan is written
 * as `Features` (S3_DATA_EVENTS always ENABLED), and CT.GUARDDUTY.PR.1, which does not read
 * `Features`, reports the detector (S3 protection is still on; the app acknowledges it).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-guardduty-detector.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-feature-object-api-changes-march2023.html
 */
export interface GuardDutyProtection {
  /**
   * EKS Protection: analyse the EKS control-plane audit logs (`EKS_AUDIT_LOGS`).
   *
   * On by default: billed by audit-log volume, so it costs nothing in an account without EKS.
   * @default true
   */
  readonly eksAuditLogs?: boolean;

  /**
   * Malware Protection for EC2: scan the EBS volumes of an instance or container workload that a
   * finding reports (`EBS_MALWARE_PROTECTION`).
   *
   * On by default: billed per GB scanned, and scans start only on a finding.
   * @default true
   */
  readonly ebsMalwareProtection?: boolean;

  /**
   * RDS Protection: analyse the login activity of Aurora and RDS databases (`RDS_LOGIN_EVENTS`).
   * Setting it (true or false) writes the detector as `Features` (see the interface description).
   * @default - not set by the stack; GuardDuty enables it on a detector created without features
   */
  readonly rdsLoginEvents?: boolean;

  /**
   * Lambda Protection: analyse the network activity of Lambda functions (`LAMBDA_NETWORK_LOGS`).
   * Setting it (true or false) writes the detector as `Features` (see the interface description).
   * @default - not set by the stack; GuardDuty enables it on a detector created without features
   */
  readonly lambdaNetworkLogs?: boolean;

  /**
   * Runtime Monitoring of EKS, ECS and EC2 workloads (`RUNTIME_MONITORING`). It needs the GuardDuty
   * security agent on each workload: deployed by you, or by GuardDuty with the agent-management
   * switches below. Setting it (true or false) writes the detector as `Features`.
   *
   * Not on by default: it is billed per monitored vCPU, and the automated agent management changes
   * the workloads' accounts (VPC endpoints, security groups, an EKS add-on).
   * @default - not set by the stack; GuardDuty leaves Runtime Monitoring off
   */
  readonly runtimeMonitoring?: boolean;

  /**
   * Let GuardDuty deploy and update its security agent as an EKS add-on (`EKS_ADDON_MANAGEMENT`).
   * Only with `runtimeMonitoring` true.
   * @default false
   */
  readonly eksAgentManagement?: boolean;

  /**
   * Let GuardDuty inject its security agent into ECS Fargate tasks (`ECS_FARGATE_AGENT_MANAGEMENT`).
   * Only with `runtimeMonitoring` true.
   * @default false
   */
  readonly ecsFargateAgentManagement?: boolean;

  /**
   * Let GuardDuty install its security agent on EC2 instances through Systems Manager
   * (`EC2_AGENT_MANAGEMENT`). Only with `runtimeMonitoring` true.
   * @default false
   */
  readonly ec2AgentManagement?: boolean;
}
