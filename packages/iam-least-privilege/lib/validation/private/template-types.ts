/** The shapes of a synthesized template and of what the validator finds in it. No aws-cdk-lib import. */
import { DocumentKind, RuleFinding } from './document-rules';

/** Template Metadata key under which suppressions are written (see PolicyValidator.suppress). */
export const SUPPRESSIONS_METADATA_KEY = 'guardrails_policy_validator';

export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, TemplateResource>;
}

/** One policy document found in a template. */
export interface ExtractedPolicy {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly kind: DocumentKind;
  /** Where the document sits in the resource, e.g. `Properties.Policies[0].PolicyDocument`. */
  readonly location: string;
  /** The document as written in the template (intrinsics included). */
  readonly document: unknown;
  /** The document with intrinsics replaced by realistic placeholders (for the rules and Access Analyzer, not for sizes). */
  readonly rendered: unknown;
  /**
   * The size in characters that IAM counts (`PolicySize.upperBound` of @cdk-guardrails/facts over
   * the template's own value: exact without intrinsics, an upper bound with them).
   */
  readonly sizeCharacters: number;
  /** The size in UTF-8 bytes, counted the same way, for the services that count bytes. */
  readonly sizeBytes: number;
  /** Whether the document holds intrinsics (its sizes are then upper bounds). */
  readonly approximate: boolean;
  /** Access Analyzer ValidatePolicy policyType. */
  readonly accessAnalyzerPolicyType: 'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY';
  /** Access Analyzer validatePolicyResourceType, where one applies. */
  readonly accessAnalyzerResourceType?: string;
  /**
   * CheckNoPublicAccess resourceType, for every resource policy whose type the API supports
   * (bucket, key, queue, topic, secret, role trust); none for Logs destinations and Logs
   * resource policies, which the API does not cover.
   */
  readonly publicAccessResourceType?: string;
}

/** A finding tied to a resource of a template. */
export interface TemplateFinding extends RuleFinding {
  readonly logicalId: string;
  readonly resourceType: string;
  /** The construct path (`aws:cdk:path` metadata), when the template has it. */
  readonly constructPath?: string;
  /** Whether a suppression with a reason covers the finding. */
  readonly suppressed: boolean;
  readonly suppressionReason?: string;
}
