/** Suppressions written by PolicyValidator.suppress into template metadata, and their own findings. No aws-cdk-lib import. */
import { describeStatement } from './document-rules';
import { PolicyRule } from '../policy-rule';
import { SUPPRESSIONS_METADATA_KEY, TemplateFinding, TemplateResource } from './template-types';

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

export function suppressionsOf(resource: TemplateResource): Suppression[] {
  const entries = resource.Metadata?.[SUPPRESSIONS_METADATA_KEY]?.suppressions;
  if (!Array.isArray(entries)) return [];
  return entries.filter((e: any) => e && typeof e.rule === 'string').map((e: any) => ({ rule: e.rule, reason: typeof e.reason === 'string' ? e.reason : '' }));
}

export function suppressionFindings(resources: Record<string, TemplateResource>): TemplateFinding[] {
  const out: TemplateFinding[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    for (const s of suppressionsOf(resource)) {
      if (s.reason.trim().length > 0) continue;
      out.push({
        rule: PolicyRule.SUPPRESSION_WITHOUT_REASON,
        location: `Metadata.${SUPPRESSIONS_METADATA_KEY}`,
        message: `the suppression of ${s.rule} has no reason: ${describeStatement(s)}`,
        logicalId,
        resourceType: resource.Type ?? '',
        constructPath: resource.Metadata?.['aws:cdk:path'],
        suppressed: false,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Rendering intrinsics to realistic strings
