/**
 * Renders CloudFormation intrinsics to realistic strings, for the document rules and for IAM Access
 * Analyzer (which needs plain JSON with ARNs of the right format). Not for sizes: those are upper
 * bounds from `PolicySize` of @cdk-guardrails/facts over the template's own value, because a
 * realistic rendering can be shorter than what CloudFormation deploys. No aws-cdk-lib import.
 */
import { TemplateResource } from './template-types';

/** Values used for pseudo parameters and unresolved references. */
export interface RenderContext {
  /** The day suppressions expire against, `YYYY-MM-DD` (default: GUARDRAILS_TODAY, else today, UTC). */
  readonly today?: string;
  readonly account?: string;
  readonly region?: string;
  readonly partition?: string;
  /**
   * Physical ids of the deployed stack by logical id (CloudFormation ListStackResources), when
   * known: a `Ref` or `Fn::GetAtt ...Arn` then renders to the deployed value instead of a
   * placeholder, so a rendered document can be compared with the deployed one.
   */
  readonly physicalIds?: Record<string, string>;
}

export function isIntrinsicObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v)[0]);
}

export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_REGION = 'ap-southeast-2';

/** ARN (GetAtt Arn) and Ref formats of the resource types policies usually point at. */
export const ARN_FORMATS: Record<string, { arn?: string; ref?: string }> = {
  'AWS::S3::Bucket': { arn: 'arn:${P}:s3:::${N}', ref: '${N}' },
  'AWS::KMS::Key': { arn: 'arn:${P}:kms:${R}:${A}:key/${K}', ref: '${K}' },
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
export class Renderer {
  public replaced = 0;
  private readonly partition: string;
  private readonly account: string;
  private readonly region: string;
  private readonly physicalIds: Record<string, string>;

  constructor(
    private readonly resources: Record<string, TemplateResource>,
    ctx: RenderContext,
  ) {
    this.physicalIds = ctx.physicalIds ?? {};
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
        // CloudFormation's Ref returns the physical id for the resource types policies point at.
        if (this.physicalIds[name] !== undefined) return this.physicalIds[name];
        this.replaced++;
        const format = ARN_FORMATS[this.resources[name]?.Type ?? '']?.ref;
        return format ? this.fill(format, name) : this.placeholderName(name);
      }
    }
  }

  private getAtt(id: string, attr: string): unknown {
    const physical = this.physicalIds[id];
    // A deployed ARN-valued physical id (managed policy, topic, secret) is the ARN itself.
    if (physical !== undefined && /Arn$/.test(attr) && physical.startsWith('arn:')) return physical;
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
    const physical = this.physicalIds[id];
    // A queue's physical id is its URL; the name is the last segment.
    if (physical !== undefined) return physical.startsWith('https://') ? physical.split('/').pop()! : physical;
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
      .replace(/\$\{K\}/g, this.physicalIds[id] ?? '1234abcd-12ab-34cd-56ef-1234567890ab')
      .replace(/\$\{N\}/g, this.name(id));
  }

  private text(v: unknown): string {
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
