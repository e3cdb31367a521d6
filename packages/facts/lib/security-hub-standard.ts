/**
 * The AWS Security Hub standards the guardrails can enable, as the detective controls create them
 * and the compliance gate requires them: the config name of each switch (config
 * `securityHub.standards`) and the part of its standards ARN after `standards/`. The ARN itself is
 * regional: `arn:<partition>:securityhub:<region>::standards/<arnPath>`.
 *
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html
 */
export class SecurityHubStandard {
  /** AWS Foundational Security Best Practices v1.0.0: on by default. */
  public static readonly FOUNDATIONAL_BEST_PRACTICES = new SecurityHubStandard(
    'foundationalBestPractices',
    'aws-foundational-security-best-practices/v/1.0.0',
    true,
  );
  /** CIS AWS Foundations Benchmark v5.0.0: on by default. */
  public static readonly CIS_FOUNDATIONS_BENCHMARK = new SecurityHubStandard('cisFoundationsBenchmark', 'cis-aws-foundations-benchmark/v/5.0.0', true);
  /** PCI DSS v4.0.1: off by default (accounts in scope of a cardholder data environment; billed per check). */
  public static readonly PCI_DSS = new SecurityHubStandard('pciDss', 'pci-dss/v/4.0.1', false);
  /** Every standard, in the order FSBP, CIS, PCI DSS. */
  public static readonly ALL: SecurityHubStandard[] = [
    SecurityHubStandard.FOUNDATIONAL_BEST_PRACTICES,
    SecurityHubStandard.CIS_FOUNDATIONS_BENCHMARK,
    SecurityHubStandard.PCI_DSS,
  ];

  /** The name of the standard's switch (config `securityHub.standards.<name>`, detective-controls `SecurityHubStandards`). */
  public readonly name: string;
  /** The part of the standards ARN after `standards/`, for example `pci-dss/v/4.0.1`. */
  public readonly arnPath: string;
  /** Whether the standard is enabled when nothing chooses. */
  public readonly enabledByDefault: boolean;

  private constructor(name: string, arnPath: string, enabledByDefault: boolean) {
    this.name = name;
    this.arnPath = arnPath;
    this.enabledByDefault = enabledByDefault;
  }
}
