/** One finding of a validation plugin, open or acknowledged. */
export interface ComplianceFinding {
  /** The validation plugin (rule pack) that reported it, e.g. `AwsSolutions` or `Guardrails`. */
  readonly plugin: string;
  /** The rule id, e.g. `Guardrails-IamRolePermissionsBoundary` or `AwsSolutions-IAM5[Action::s3:*]`. */
  readonly ruleId: string;
  /**
   * The control the rule implements, when its description names one: the AWS Control Tower
   * proactive control (`CT.KMS.PR.3`) of a Guard rule of the cdk-validator-cfnguard plugin,
   * whose rule ids are the Guard rule names (`kms_create_grant_aws_service_check`).
   *
   * @default - the rule names no control
   */
  readonly controlId?: string;
  /** `error`, `warning` or `info`, as the plugin reported it. */
  readonly severity: string;
  /** Construct path of the resource. */
  readonly constructPath: string;
  /** What is wrong. */
  readonly description: string;
  /**
   * How to fix it, when the plugin says.
   *
   * @default - the plugin gives no fix
   */
  readonly suggestedFix?: string;
  /** Whether the finding was acknowledged (`Validations.of(construct).acknowledge`). */
  readonly acknowledged: boolean;
  /**
   * The reason given with the acknowledgement.
   *
   * @default - not acknowledged
   */
  readonly reason?: string;
  /**
   * Construct path where the acknowledgement was made.
   *
   * @default - not acknowledged
   */
  readonly acknowledgedAt?: string;
  /**
   * Who answers for the acknowledgement (its waiver, `Acknowledge.atPath` with `WaiverDetails`).
   *
   * @default - not acknowledged, or acknowledged without a waiver
   */
  readonly owner?: string;
  /**
   * The last day the waiver holds, `YYYY-MM-DD`.
   *
   * @default - no expiry, or no waiver
   */
  readonly expires?: string;
  /**
   * The ticket that tracks the waiver.
   *
   * @default - no ticket, or no waiver
   */
  readonly ticket?: string;
}

/** A waiver that expires soon: fix the finding or renew it with its owner. */
export interface ExpiringWaiver {
  /** The acknowledged rule id, qualified with its plugin. */
  readonly id: string;
  /** Construct path where the acknowledgement was made. */
  readonly constructPath: string;
  /** Who answers for it. */
  readonly owner: string;
  /** The last day it holds, `YYYY-MM-DD`. */
  readonly expires: string;
  /** Days from the report's date to the expiry (0: expires today). */
  readonly daysLeft: number;
  /**
   * The ticket that tracks it.
   *
   * @default - no ticket
   */
  readonly ticket?: string;
}

/** An acknowledgement that matched no finding: a candidate for removal. */
export interface UnusedAcknowledgement {
  /** The acknowledged id, qualified with its plugin (e.g. `AwsSolutions::AwsSolutions-S1`). */
  readonly id: string;
  /** Construct path where it was made. */
  readonly constructPath: string;
  /** The reason given. */
  readonly reason: string;
}

/** Where and for what a compliance report is written. */
export interface ComplianceReportProps {
  /** Name of the app, the key of its section in the report. */
  readonly appName: string;
  /** The environment synthesized (e.g. `dev`). */
  readonly environment: string;
  /**
   * Directory that receives `compliance-report.json`, `compliance-report.txt` and `compliance-report.sarif`, shared by the
   * apps of one environment (each app replaces its own section).
   *
   * @default - the parent of the cloud assembly directory when the assembly is at
   * `<...>/<environment>/<appName>` (the layout of `npm run synth`: `cdk.out/<env>/<app>`);
   * otherwise the cloud assembly directory itself
   */
  readonly reportDirectory?: string;
  /**
   * The date the report measures waiver expiry against (`expiringWaivers`: within 30 days).
   *
   * @default - now
   */
  readonly today?: Date;
}
