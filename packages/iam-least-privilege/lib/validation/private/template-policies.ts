/**
 * Finds every policy document in a synthesized CloudFormation template, renders
 * the intrinsics in it to realistic strings (for size budgets and for IAM Access
 * Analyzer, which needs plain JSON), and applies the size budgets.
 *
 * No aws-cdk-lib import: the validate-policies CLI bundles this file.
 */
import { checkPolicyDocument, describeStatement, DocumentKind, RuleFinding } from './document-rules';
import { PolicyRule } from '../policy-rule';

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
  /** The document with intrinsics replaced by realistic placeholders. */
  readonly rendered: unknown;
  /** Whether any intrinsic had to be replaced (sizes are then approximate). */
  readonly approximate: boolean;
  /** Access Analyzer ValidatePolicy policyType. */
  readonly accessAnalyzerPolicyType: 'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY';
  /** Access Analyzer validatePolicyResourceType, where one applies. */
  readonly accessAnalyzerResourceType?: string;
  /**
   * CheckNoPublicAccess resourceType: bucket and key policies only (the scope;
   * the check is billed per call).
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

interface SizeLimit {
  readonly limit: number;
  readonly unit: 'characters' | 'bytes';
  readonly label: string;
}

const MANAGED_POLICY: SizeLimit = { limit: 6144, unit: 'characters', label: 'managed policy limit (6,144 characters)' };
const TRUST_POLICY: SizeLimit = { limit: 2048, unit: 'characters', label: 'trust policy default limit (2,048 characters)' };
const SCP: SizeLimit = { limit: 5120, unit: 'characters', label: 'service control policy limit (5,120 characters)' };
const ROLE_INLINE: SizeLimit = { limit: 10240, unit: 'characters', label: 'inline policies per role limit (10,240 characters in total)' };
const USER_INLINE: SizeLimit = { limit: 2048, unit: 'characters', label: 'inline policies per user limit (2,048 characters in total)' };
const GROUP_INLINE: SizeLimit = { limit: 5120, unit: 'characters', label: 'inline policies per group limit (5,120 characters in total)' };
const BUCKET_POLICY: SizeLimit = { limit: 20480, unit: 'bytes', label: 'S3 bucket policy limit (20 KB)' };
const KEY_POLICY: SizeLimit = { limit: 32768, unit: 'bytes', label: 'KMS key policy limit (32 KB)' };
const LOGS_DESTINATION: SizeLimit = { limit: 5120, unit: 'bytes', label: 'CloudWatch Logs destination policy limit (5,120 bytes)' };
const LOGS_RESOURCE_POLICY: SizeLimit = { limit: 5120, unit: 'characters', label: 'CloudWatch Logs resource policy limit (5,120 characters)' };
const QUEUE_POLICY: SizeLimit = { limit: 8192, unit: 'bytes', label: 'SQS queue policy limit (8,192 bytes)' };
const SECRET_POLICY: SizeLimit = { limit: 20480, unit: 'characters', label: 'Secrets Manager resource policy limit (20,480 characters)' };

interface DocumentSpec {
  readonly path: string[];
  readonly kind: DocumentKind;
  readonly size?: SizeLimit;
  readonly aaResourceType?: string;
  readonly publicType?: string;
}

/** The resource types whose policies are checked, and where their documents are. */
const DOCUMENTS: Record<string, DocumentSpec[]> = {
  'AWS::IAM::ManagedPolicy': [{ path: ['PolicyDocument'], kind: 'identity', size: MANAGED_POLICY }],
  'AWS::IAM::Policy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::RolePolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::UserPolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::GroupPolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::Role': [
    { path: ['AssumeRolePolicyDocument'], kind: 'trust', size: TRUST_POLICY, aaResourceType: 'AWS::IAM::AssumeRolePolicyDocument' },
  ],
  'AWS::S3::BucketPolicy': [
    { path: ['PolicyDocument'], kind: 'resource', size: BUCKET_POLICY, aaResourceType: 'AWS::S3::Bucket', publicType: 'AWS::S3::Bucket' },
  ],
  // In a key policy Resource must be "*" and means this key only.
  'AWS::KMS::Key': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::KMS::ReplicaKey': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::SQS::QueuePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY }],
  'AWS::SQS::QueueInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY }],
  'AWS::SNS::TopicPolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::SNS::TopicInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::Logs::Destination': [{ path: ['DestinationPolicy'], kind: 'resource', size: LOGS_DESTINATION }],
  'AWS::Logs::ResourcePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: LOGS_RESOURCE_POLICY }],
  'AWS::SecretsManager::ResourcePolicy': [
    // In a secret's resource policy "*" means this secret only.
    { path: ['ResourcePolicy'], kind: 'resource-self', size: SECRET_POLICY },
  ],
  'AWS::Organizations::Policy': [{ path: ['Content'], kind: 'scp', size: SCP }],
};

/** The resource types this module reads. */
export const POLICY_RESOURCE_TYPES = Object.keys(DOCUMENTS).concat(['AWS::IAM::User', 'AWS::IAM::Group']);

/** Resource types whose inline policies share a size budget, and the property linking a policy resource to them. */
const INLINE_BUDGETS: { owner: string; limit: SizeLimit; policyProperty: string; inlinePolicyType: string; nameProperty: string }[] = [
  { owner: 'AWS::IAM::Role', limit: ROLE_INLINE, policyProperty: 'Roles', inlinePolicyType: 'AWS::IAM::RolePolicy', nameProperty: 'RoleName' },
  { owner: 'AWS::IAM::User', limit: USER_INLINE, policyProperty: 'Users', inlinePolicyType: 'AWS::IAM::UserPolicy', nameProperty: 'UserName' },
  { owner: 'AWS::IAM::Group', limit: GROUP_INLINE, policyProperty: 'Groups', inlinePolicyType: 'AWS::IAM::GroupPolicy', nameProperty: 'GroupName' },
];

/** Values used for pseudo parameters and unresolved references. */
export interface RenderContext {
  readonly account?: string;
  readonly region?: string;
  readonly partition?: string;
}

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
        out.push(makePolicy(logicalId, type, 'identity', `Properties.Policies[${i}].PolicyDocument`, p.PolicyDocument, resources, ctx, { path: [], kind: 'identity' }));
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
    approximate: renderer.replaced > 0,
    accessAnalyzerPolicyType: kind === 'identity' ? 'IDENTITY_POLICY' : kind === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_POLICY',
    accessAnalyzerResourceType: spec.aaResourceType,
    publicAccessResourceType: spec.publicType,
  };
}

function isIntrinsicObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v as object)[0]);
}

/** Size as AWS counts it: JSON without whitespace, in characters or UTF-8 bytes. */
export function policySize(rendered: unknown, unit: 'characters' | 'bytes' = 'characters'): number {
  const json = JSON.stringify(rendered);
  return unit === 'bytes' ? Buffer.byteLength(json, 'utf8') : json.length;
}

/**
 * Run every rule on a template: the document rules on each policy, the per-document
 * size limits, and the shared budgets of inline policies per role, user and group.
 * Suppressions come from each resource's Metadata (written by PolicyValidator.suppress).
 */
export function analyzeTemplate(template: CfnTemplate, ctx: RenderContext = {}): TemplateFinding[] {
  const resources = template.Resources ?? {};
  const findings: { logicalId: string; finding: RuleFinding }[] = [];
  const policies = extractPolicies(template, ctx);
  for (const policy of policies) {
    for (const finding of checkPolicyDocument(policy.document, policy.kind, policy.location)) {
      findings.push({ logicalId: policy.logicalId, finding });
    }
    const spec = (DOCUMENTS[policy.resourceType] ?? []).find((s) => `Properties.${s.path[0]}` === policy.location);
    if (spec?.size) {
      const size = policySize(policy.rendered, spec.size.unit);
      if (size > spec.size.limit) {
        findings.push({ logicalId: policy.logicalId, finding: tooLarge(policy.location, size, spec.size, policy.approximate) });
      }
    }
  }
  findings.push(...inlineBudgetFindings(resources, policies));

  return findings.map(({ logicalId, finding }): TemplateFinding => {
    const resource = resources[logicalId] ?? {};
    const suppression = suppressionsOf(resource).find((s) => s.rule === finding.rule);
    return {
      ...finding,
      logicalId,
      resourceType: resource.Type ?? '',
      constructPath: resource.Metadata?.['aws:cdk:path'],
      suppressed: suppression !== undefined && suppression.reason.trim().length > 0,
      suppressionReason: suppression?.reason,
    };
  }).concat(suppressionFindings(resources));
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
    const size = policySize(doc);
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
  return checkStandaloneDocument(text, 'scp', { chars: SCP.limit, label: 'SERVICE_CONTROL_POLICY' });
}

/** A finding as synthesis errors, plugin reports and the CLI print it. */
export function formatFinding(f: TemplateFinding): string {
  return `[${f.rule}] ${f.message} (at ${f.location})`;
}

function tooLarge(location: string, size: number, limit: SizeLimit, approximate: boolean): RuleFinding {
  return {
    rule: PolicyRule.POLICY_TOO_LARGE,
    location,
    message:
      `policy is ${size} ${limit.unit}, over the ${limit.label}` +
      (approximate ? ' (approximate: unresolved references counted as realistic ARN-length placeholders)' : ''),
  };
}

function inlineBudgetFindings(resources: Record<string, TemplateResource>, policies: ExtractedPolicy[]): { logicalId: string; finding: RuleFinding }[] {
  const out: { logicalId: string; finding: RuleFinding }[] = [];
  for (const budget of INLINE_BUDGETS) {
    for (const [ownerId, owner] of Object.entries(resources)) {
      if (owner?.Type !== budget.owner) continue;
      const parts = policies.filter((p) => {
        if (p.kind !== 'identity') return false;
        if (p.logicalId === ownerId) return true; // the owner's own Policies
        const props = resources[p.logicalId]?.Properties ?? {};
        if (p.resourceType === 'AWS::IAM::Policy') return refersTo(props[budget.policyProperty], ownerId);
        if (p.resourceType === budget.inlinePolicyType) return refersTo(props[budget.nameProperty], ownerId);
        return false;
      });
      if (parts.length === 0) continue;
      const total = parts.reduce((sum, p) => sum + policySize(p.rendered), 0);
      if (total > budget.limit.limit) {
        const detail = parts.map((p) => `${p.logicalId}:${p.location}=${policySize(p.rendered)}`).join(', ');
        out.push({
          logicalId: ownerId,
          finding: {
            ...tooLarge('Properties.Policies', total, budget.limit, parts.some((p) => p.approximate)),
            message: `${tooLarge('', total, budget.limit, parts.some((p) => p.approximate)).message}; inline policies: ${detail}`,
          },
        });
      }
    }
  }
  return out;
}

function refersTo(value: unknown, logicalId: string): boolean {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.some((v) => v && typeof v === 'object' && (v as any).Ref === logicalId);
}

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

export function suppressionsOf(resource: TemplateResource): Suppression[] {
  const entries = resource.Metadata?.[SUPPRESSIONS_METADATA_KEY]?.suppressions;
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((e: any) => e && typeof e.rule === 'string')
    .map((e: any) => ({ rule: e.rule, reason: typeof e.reason === 'string' ? e.reason : '' }));
}

function suppressionFindings(resources: Record<string, TemplateResource>): TemplateFinding[] {
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

const PLACEHOLDER_ACCOUNT = '123456789012';
const PLACEHOLDER_REGION = 'ap-southeast-2'; // one of the longest region names: sizes err on the safe side

/** ARN (GetAtt Arn) and Ref formats of the resource types policies usually point at. */
const ARN_FORMATS: Record<string, { arn?: string; ref?: string }> = {
  'AWS::S3::Bucket': { arn: 'arn:${P}:s3:::${N}', ref: '${N}' },
  'AWS::KMS::Key': { arn: 'arn:${P}:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab', ref: '1234abcd-12ab-34cd-56ef-1234567890ab' },
  'AWS::KMS::Alias': { ref: 'alias/${N}' },
  'AWS::IAM::Role': { arn: 'arn:${P}:iam::${A}:role/${N}', ref: '${N}' },
  'AWS::IAM::User': { arn: 'arn:${P}:iam::${A}:user/${N}', ref: '${N}' },
  'AWS::IAM::Group': { arn: 'arn:${P}:iam::${A}:group/${N}', ref: '${N}' },
  'AWS::IAM::ManagedPolicy': { ref: 'arn:${P}:iam::${A}:policy/${N}' },
  'AWS::IAM::InstanceProfile': { arn: 'arn:${P}:iam::${A}:instance-profile/${N}', ref: '${N}' },
  'AWS::SQS::Queue': { arn: 'arn:${P}:sqs:${R}:${A}:${N}', ref: 'https://sqs.${R}.amazonaws.com/${A}/${N}' },
  'AWS::SNS::Topic': { arn: 'arn:${P}:sns:${R}:${A}:${N}', ref: 'arn:${P}:sns:${R}:${A}:${N}' },
  'AWS::Logs::LogGroup': { arn: 'arn:${P}:logs:${R}:${A}:log-group:/aws/${N}:*', ref: '/aws/${N}' },
  'AWS::Logs::Destination': { arn: 'arn:${P}:logs:${R}:${A}:destination:${N}', ref: '${N}' },
  'AWS::Kinesis::Stream': { arn: 'arn:${P}:kinesis:${R}:${A}:stream/${N}', ref: '${N}' },
  'AWS::Lambda::Function': { arn: 'arn:${P}:lambda:${R}:${A}:function:${N}', ref: '${N}' },
  'AWS::SecretsManager::Secret': { ref: 'arn:${P}:secretsmanager:${R}:${A}:secret:${N}-AbCdEf' },
  'AWS::DynamoDB::Table': { arn: 'arn:${P}:dynamodb:${R}:${A}:table/${N}', ref: '${N}' },
  'AWS::CloudTrail::Trail': { arn: 'arn:${P}:cloudtrail:${R}:${A}:trail/${N}', ref: '${N}' },
  'AWS::Events::Rule': { arn: 'arn:${P}:events:${R}:${A}:rule/${N}', ref: '${N}' },
  'AWS::StepFunctions::StateMachine': { arn: 'arn:${P}:states:${R}:${A}:stateMachine:${N}', ref: 'arn:${P}:states:${R}:${A}:stateMachine:${N}' },
};

/** Replaces intrinsics with strings of realistic length and format. */
class Renderer {
  public replaced = 0;
  private readonly partition: string;
  private readonly account: string;
  private readonly region: string;

  constructor(private readonly resources: Record<string, TemplateResource>, ctx: RenderContext) {
    this.partition = ctx.partition ?? 'aws';
    this.account = ctx.account && /^\d{12}$/.test(ctx.account) ? ctx.account : PLACEHOLDER_ACCOUNT;
    this.region = ctx.region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(ctx.region) ? ctx.region : PLACEHOLDER_REGION;
  }

  public render(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.render(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && /^(Ref|Fn::)/.test(keys[0])) return this.intrinsic(keys[0], (value as any)[keys[0]]);
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = this.render((value as any)[k]);
    return out;
  }

  private intrinsic(fn: string, arg: any): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attr));
      }
      case 'Fn::Join': {
        const parts = this.render(arg?.[1]);
        return Array.isArray(parts) ? parts.map((p) => this.text(p)).join(String(arg[0])) : this.placeholderName('join');
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(template).replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
          if (vars && vars[name] !== undefined) return this.text(this.render(vars[name]));
          if (name.includes('.')) {
            const [id, attr] = name.split('.');
            return this.text(this.getAtt(id, attr));
          }
          return this.text(this.ref(name));
        });
      }
      case 'Fn::Select': {
        const list = this.render(arg?.[1]);
        const index = Number(this.render(arg?.[0]));
        return Array.isArray(list) && list[index] !== undefined ? list[index] : this.placeholderName('select');
      }
      case 'Fn::If':
        // Either branch may deploy: render the first (the "true" branch).
        return this.render(arg?.[1]);
      case 'Fn::Split': {
        const source = this.render(arg?.[1]);
        return typeof source === 'string' ? source.split(String(arg[0])) : [this.placeholderName('split')];
      }
      default:
        // Fn::ImportValue, Fn::FindInMap, Fn::Base64, Fn::GetAZs, ...: a realistic ARN-length value
        this.replaced++;
        return `arn:${this.partition}:placeholder:${this.region}:${this.account}:imported/placeholder-value-of-realistic-length`;
    }
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Region':
        return this.region;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        this.replaced++;
        return 'placeholder-stack-name';
      case 'AWS::StackId':
        this.replaced++;
        return `arn:${this.partition}:cloudformation:${this.region}:${this.account}:stack/placeholder-stack-name/12345678-1234-1234-1234-123456789012`;
      case 'AWS::NoValue':
        return '';
      default: {
        this.replaced++;
        const format = ARN_FORMATS[this.resources[name]?.Type ?? '']?.ref;
        return format ? this.fill(format, name) : this.placeholderName(name);
      }
    }
  }

  private getAtt(id: string, attr: string): unknown {
    this.replaced++;
    const type = this.resources[id]?.Type ?? '';
    const format = ARN_FORMATS[type]?.arn;
    if (/Arn$/.test(attr) && format) return this.fill(format, id);
    if (/Arn$/.test(attr)) {
      const service = type.split('::')[1]?.toLowerCase() ?? 'placeholder';
      const resourceType = type.split('::')[2]?.toLowerCase() ?? 'resource';
      return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resourceType}/${this.name(id)}`;
    }
    return this.placeholderName(`${id}-${attr}`);
  }

  /** A resource name: lower-case logical id plus a CloudFormation-style suffix (CDK names look like this). */
  private name(id: string): string {
    return `${id.toLowerCase().slice(0, 40)}-a1b2c3d4e5f6`;
  }

  private placeholderName(id: string): string {
    this.replaced++;
    return this.name(id.replace(/[^A-Za-z0-9-]/g, ''));
  }

  private fill(format: string, id: string): string {
    return format
      .replace(/\$\{P\}/g, this.partition)
      .replace(/\$\{R\}/g, this.region)
      .replace(/\$\{A\}/g, this.account)
      .replace(/\$\{N\}/g, this.name(id));
  }

  private text(v: unknown): string {
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
