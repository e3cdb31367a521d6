/**
 * Finds every policy document in a synthesized CloudFormation template, renders
 * the intrinsics in it to realistic strings (for size budgets and for IAM Access
 * Analyzer, which needs plain JSON), and applies the size budgets. The pieces, one file each:
 * template-types (shapes), policy-budgets (where documents sit, their limits), intrinsic-renderer
 * (intrinsics to strings), suppressions; this file extracts and analyzes.
 *
 * No aws-cdk-lib import: the validate-policies CLI bundles this file.
 */
import { PolicySize, PolicySizeUnit } from '@cdk-guardrails/facts';
import { checkPolicyDocument, DocumentKind, RuleFinding } from './document-rules';
import { PolicyRule } from '../policy-rule';
import { isIntrinsicObject, RenderContext, Renderer } from './intrinsic-renderer';
import { DOCUMENTS, DocumentSpec, inlineBudgetFindings, SCP, tooLarge } from './policy-budgets';
import { suppressionFindings, suppressionProblem, suppressionsOf, todayOf } from './suppressions';
import { CfnTemplate, ExtractedPolicy, TemplateFinding, TemplateResource } from './template-types';

export * from './template-types';
export { POLICY_RESOURCE_TYPES } from './policy-budgets';
export type { RenderContext } from './intrinsic-renderer';
export type { Suppression } from './suppressions';
export { suppressionsOf } from './suppressions';

/**
 * Extract every policy document of a template. Documents given as JSON strings
 * (Logs destination policies, some SCP contents) are parsed after rendering.
 */
export function extractPolicies(template: CfnTemplate, ctx: RenderContext = {}): ExtractedPolicy[] {
  const resources = template.Resources ?? {};
  const out: ExtractedPolicy[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = resource?.Type ?? '';
    const props = resource?.Properties ?? {};
    const specs = [...(DOCUMENTS[type] ?? [])];
    if (type === 'AWS::Organizations::Policy' && props.Type !== 'SERVICE_CONTROL_POLICY') continue;
    for (const spec of specs) {
      const raw = props[spec.path[0]];
      if (raw === undefined) continue;
      out.push(makePolicy(logicalId, type, spec.kind, `Properties.${spec.path[0]}`, raw, resources, ctx, spec));
    }
    if (type === 'AWS::IAM::Role' || type === 'AWS::IAM::User' || type === 'AWS::IAM::Group') {
      const inline = Array.isArray(props.Policies) ? props.Policies : [];
      inline.forEach((p: any, i: number) => {
        if (p?.PolicyDocument === undefined) return;
        out.push(
          makePolicy(logicalId, type, 'identity', `Properties.Policies[${i}].PolicyDocument`, p.PolicyDocument, resources, ctx, { path: [], kind: 'identity' }),
        );
      });
    }
  }
  return out;
}

function makePolicy(
  logicalId: string,
  type: string,
  kind: DocumentKind,
  location: string,
  raw: unknown,
  resources: Record<string, TemplateResource>,
  ctx: RenderContext,
  spec: DocumentSpec,
): ExtractedPolicy {
  const renderer = new Renderer(resources, ctx);
  const sizeContext = { partition: ctx.partition, region: ctx.region };
  let rendered = renderer.render(raw);
  // A document given as a string (or a Fn::Join that renders to one) is JSON text.
  if (typeof rendered === 'string') {
    try {
      rendered = JSON.parse(rendered);
    } catch {
      // left as a string: the document rules report it as malformed
    }
  }
  return {
    logicalId,
    resourceType: type,
    kind,
    location,
    // The rules judge the template's own form, except for JSON text, which only exists rendered.
    document: typeof raw === 'string' || isIntrinsicObject(raw) ? rendered : raw,
    rendered,
    // Sizes come from the template's own value, not from the rendering: the rendering picks
    // realistic values that Access Analyzer accepts, the size must be an upper bound.
    sizeCharacters: PolicySize.upperBound(raw, PolicySizeUnit.CHARACTERS, sizeContext),
    sizeBytes: PolicySize.upperBound(raw, PolicySizeUnit.BYTES, sizeContext),
    approximate: PolicySize.hasIntrinsics(raw),
    accessAnalyzerPolicyType: kind === 'identity' ? 'IDENTITY_POLICY' : kind === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_POLICY',
    accessAnalyzerResourceType: spec.aaResourceType,
    publicAccessResourceType: spec.publicType,
  };
}

/**
 * The managed policies of a template used only as permissions boundaries: some role or user names
 * it in PermissionsBoundary (by Ref, or by its name in an ARN), no role, user or group lists it in
 * ManagedPolicyArns, and it names no Roles, Users or Groups itself (each of those would make it a grant).
 */
export function boundaryOnlyPolicies(resources: Record<string, TemplateResource>): Set<string> {
  const boundaryRefs: string[] = [];
  const attachedRefs: string[] = [];
  for (const r of Object.values(resources)) {
    const props = r?.Properties ?? {};
    if (props.PermissionsBoundary !== undefined) boundaryRefs.push(JSON.stringify(props.PermissionsBoundary));
    if (props.ManagedPolicyArns !== undefined) attachedRefs.push(JSON.stringify(props.ManagedPolicyArns));
  }
  const boundaryText = boundaryRefs.join('\n');
  const attachedText = attachedRefs.join('\n');
  const out = new Set<string>();
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r?.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const props = r.Properties ?? {};
    if (props.Roles !== undefined || props.Users !== undefined || props.Groups !== undefined) continue;
    const ref = JSON.stringify({ Ref: logicalId });
    const name = props.ManagedPolicyName;
    const byName = typeof name === 'string' ? `:policy/${name}` : undefined;
    const isBoundary = boundaryText.includes(ref) || (byName !== undefined && boundaryText.includes(byName));
    const isAttached = attachedText.includes(ref) || (byName !== undefined && attachedText.includes(byName));
    if (isBoundary && !isAttached) out.add(logicalId);
  }
  return out;
}

/**
 * Run every rule on a template: the document rules on each policy, the per-document
 * size limits, and the shared budgets of inline policies per role, user and group.
 * Suppressions come from each resource's Metadata (written by PolicyValidator.suppress).
 */
export function analyzeTemplate(template: CfnTemplate, ctx: RenderContext = {}): TemplateFinding[] {
  const resources = template.Resources ?? {};
  const today = todayOf(ctx.today);
  const findings: { logicalId: string; finding: RuleFinding }[] = [];
  const policies = extractPolicies(template, ctx);
  const boundaries = boundaryOnlyPolicies(resources);
  for (const policy of policies) {
    for (const finding of checkPolicyDocument(policy.document, policy.kind, policy.location, { permissionsBoundary: boundaries.has(policy.logicalId) })) {
      findings.push({ logicalId: policy.logicalId, finding });
    }
    const spec = (DOCUMENTS[policy.resourceType] ?? []).find((s) => `Properties.${s.path[0]}` === policy.location);
    if (spec?.size) {
      const size = spec.size.unit === PolicySizeUnit.BYTES ? policy.sizeBytes : policy.sizeCharacters;
      if (size > spec.size.maximum) {
        findings.push({ logicalId: policy.logicalId, finding: tooLarge(policy.location, size, spec.size, policy.approximate) });
      }
    }
  }
  findings.push(...inlineBudgetFindings(resources, policies));

  return findings
    .map(({ logicalId, finding }): TemplateFinding => {
      const resource = resources[logicalId] ?? {};
      const suppression = suppressionsOf(resource).find((s) => s.rule === (finding.rule as string));
      return {
        ...finding,
        logicalId,
        resourceType: resource.Type ?? '',
        constructPath: resource.Metadata?.['aws:cdk:path'],
        // A suppression holds only with a reason, an owner and an expiry date not yet past.
        suppressed: suppression !== undefined && suppression.reason.trim().length > 0 && suppressionProblem(suppression, today) === undefined,
        suppressionReason: suppression?.reason,
      };
    })
    .concat(suppressionFindings(resources, today));
}

/**
 * Check a standalone document (JSON text or object) of a kind with an optional size
 * limit in characters (JSON without whitespace). Used for SCP files and by
 * PolicyValidator.validateDocument.
 */
export function checkStandaloneDocument(document: unknown, kind: DocumentKind, limit?: { chars: number; label: string }): RuleFinding[] {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [{ rule: PolicyRule.MALFORMED_POLICY, location: '', message: 'the policy document is not valid JSON' }];
    }
  }
  const findings = checkPolicyDocument(doc, kind, '').map((f) => ({ ...f, location: f.location.replace(/^\./, '') }));
  if (limit) {
    const size = PolicySize.of(doc, PolicySizeUnit.CHARACTERS);
    if (size > limit.chars) {
      findings.push({
        rule: PolicyRule.POLICY_TOO_LARGE,
        location: '',
        message: `policy is ${size} characters (JSON without whitespace), over the ${limit.label} limit of ${limit.chars}`,
      });
    }
  }
  return findings;
}

/** An SCP file: the document rules and the 5,120-character limit. */
export function checkServiceControlPolicyText(text: string): RuleFinding[] {
  return checkStandaloneDocument(text, 'scp', { chars: SCP.maximum, label: 'SERVICE_CONTROL_POLICY' });
}

/** An RCP file: the document rules, the RCP rules (Deny, Principal "*", supported services) and the same 5,120-character limit. */
export function checkResourceControlPolicyText(text: string): RuleFinding[] {
  return checkStandaloneDocument(text, 'rcp', { chars: SCP.maximum, label: 'RESOURCE_CONTROL_POLICY' });
}

/** A finding as synthesis errors, plugin reports and the CLI print it. */
export function formatFinding(f: TemplateFinding): string {
  return `[${f.rule}] ${f.message} (at ${f.location})`;
}
