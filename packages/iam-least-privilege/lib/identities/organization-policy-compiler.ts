import { PolicySize, PolicySizeLimit, PolicySizeUnit } from '@cdk-guardrails/facts';
import { checkPatternExemptionsProtected, protectingStatementIndexes, snapshotPolicies } from './private/exemption-protection';
import { writePolicyFiles } from './private/scp-statements';
import { ResourceControlPolicy } from './resource-control-policy';
import { ServiceControlPolicy } from './service-control-policy';
import { propError } from '../private/errors';

/** The two authorization policy types of AWS Organizations. */
export enum OrganizationPolicyType {
  /** Service control policies: the maximum permissions of the member accounts' principals. */
  SERVICE_CONTROL_POLICY = 'scp',
  /** Resource control policies: the maximum permissions on the member accounts' resources. */
  RESOURCE_CONTROL_POLICY = 'rcp',
}

/**
 * A root, OU or account the compiled documents are attached to, with the slots its other policies
 * already use. A document attached anywhere on the path from the root to an account applies to
 * that account: list the targets of one path, broadest first (for example the environment's OU, then
 * each of its accounts), each holding only the environment's accounts. The SCP statements that
 * protect an exemption pattern go to the first target.
 */
export interface OrganizationPolicyTarget {
  /** Name of the target in messages and file names: letters, digits, '-' and '_' (for example 'ou-prod' or 'accounts'). */
  readonly name: string;

  /**
   * Policies of this type already attached to the target: `FullAWSAccess` (SCP) or
   * `RCPFullAWSAccess` (RCP) and the ones Control Tower attaches (its `aws-guardrails-*` SCPs,
   * its RCP controls).
   *
   * @default 1 (FullAWSAccess or RCPFullAWSAccess)
   */
  readonly slotsUsed?: number;
}

/** Options of the {@link OrganizationPolicyCompiler} methods. */
export interface OrganizationPolicyCompileOptions {
  /**
   * The targets, in the order their free slots are filled.
   *
   * @default - one target named 'target' with 1 slot used
   */
  readonly targets?: OrganizationPolicyTarget[];

  /**
   * Source policies whose statements must reach every account of the first target, also an
   * account no later target holds (for example an account of the OU that is not listed among the
   * accounts, or not yet attached): they go into the first target's documents, with the SCP
   * statements that protect exemption patterns, and compilation fails naming the first target if
   * they do not fit there. A name covers the parts of a packed policy too (`<name>-2`, `-3` ...).
   * For example `region-restriction` and `account-region-restriction-limited-regions`.
   *
   * @default - only the statements that protect exemption patterns are pinned
   */
  readonly firstTargetPolicyNames?: string[];
}

/** One packed document: the statements of one or more source policies. */
export class CompiledOrganizationPolicy {
  /** Name (and file name): `<scp|rcp>-<target>-<n>`. */
  public readonly name: string;
  /** The policy type. */
  public readonly type: OrganizationPolicyType;
  /** The target to attach it to. */
  public readonly target: string;
  /** Description for AWS Organizations: the source policies it holds. */
  public readonly description: string;
  /** Names of the source policies whose statements it holds. */
  public readonly sourcePolicies: string[];
  /** Characters of the document as AWS counts them (compact JSON). */
  public readonly sizeInCharacters: number;
  private readonly json: string;

  /**
   * @param name document name
   * @param type policy type
   * @param target target name
   * @param sourcePolicies names of the source policies
   * @param json the minified document
   */
  constructor(name: string, type: OrganizationPolicyType, target: string, sourcePolicies: string[], json: string) {
    this.name = name;
    this.type = type;
    this.target = target;
    this.sourcePolicies = sourcePolicies;
    this.description = `${type.toUpperCase()} statements of ${sourcePolicies.join(', ')}`.slice(0, 512);
    this.sizeInCharacters = PolicySize.of(json, PolicySizeUnit.CHARACTERS);
    this.json = json;
  }

  /** The document as minified JSON. */
  public toJson(): string {
    return this.json;
  }
}

interface Piece {
  readonly index: number;
  readonly source: string;
  readonly json: string;
}

const OWNER = 'OrganizationPolicyCompiler';
/** `{"Version":"2012-10-17","Statement":[` + `]}` */
const ENVELOPE = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

/**
 * Packs the statements of SCPs or RCPs into the fewest documents of at most 5,120 characters
 * (compact JSON, as AWS counts; `PolicySize` of @cdk-guardrails/facts) and spreads them over the
 * targets' free slots (at most 5 policies of a type per target). Fails naming the target that
 * overflows and which source policy to drop.
 */
export class OrganizationPolicyCompiler {
  /** Policies of one type AWS Organizations attaches to one root, OU or account. */
  public static readonly MAX_POLICIES_PER_TARGET = 5;
  /** Characters of one SCP or RCP document. */
  public static readonly MAX_CHARACTERS: number = PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum;

  /** Compile service control policies. */
  public static compileServiceControlPolicies(policies: ServiceControlPolicy[], options: OrganizationPolicyCompileOptions = {}): CompiledOrganizationPolicy[] {
    return compile(OrganizationPolicyType.SERVICE_CONTROL_POLICY, policies, options);
  }

  /** Compile resource control policies. */
  public static compileResourceControlPolicies(
    policies: ResourceControlPolicy[],
    options: OrganizationPolicyCompileOptions = {},
  ): CompiledOrganizationPolicy[] {
    return compile(OrganizationPolicyType.RESOURCE_CONTROL_POLICY, policies, options);
  }

  /** Write each compiled document as `<directory>/<name>.json` and return the paths. */
  public static writeFiles(directory: string, compiled: CompiledOrganizationPolicy[]): string[] {
    return writePolicyFiles('OrganizationPolicyCompiler.writeFiles', directory, compiled);
  }

  private constructor() {}
}

/**
 * Pack the statements of `policies` (minified SCP or RCP documents with their names) into
 * documents for `options.targets`. First-fit decreasing: statements by size, largest first, each
 * into the first document with room (never more than 11/9 of the fewest possible plus one); a
 * document keeps its statements in source order.
 */
function compile(
  type: OrganizationPolicyType,
  sources: { name: string; toJson(): string }[],
  options: OrganizationPolicyCompileOptions,
): CompiledOrganizationPolicy[] {
  // Each document read once: what is checked is what is packed (a subclass's toJson() could differ between calls).
  const policies = snapshotPolicies(sources);
  const targets = validateTargets(options.targets ?? [{ name: 'target' }]);
  const scp = type === OrganizationPolicyType.SERVICE_CONTROL_POLICY;
  if (scp) checkPatternExemptionsProtected(OWNER, policies);
  const pieces = statementsOf(type, policies);
  // The statements that protect an exemption pattern go into the documents of the first target, the
  // broadest of the path (OrganizationPolicyTarget: the OU before its accounts). An account of the OU
  // that is not, or not yet, attached to a later target's documents then still has every protection
  // of an exemption it gets; packing order alone would not promise that.
  const firstNames = options.firstTargetPolicyNames ?? [];
  const unknown = firstNames.find((n) => !policies.some((p) => isPartOf(p.name, n)));
  if (unknown !== undefined) {
    throw propError(
      OWNER,
      'firstTargetPolicyNames',
      `'${unknown}', which no policy compiled here is named`,
      `names of the policies passed (${policies.map((p) => p.name).join(', ')})`,
    );
  }
  const protecting = scp ? protectingStatementIndexes(policies) : new Set<number>();
  pieces.filter((p) => firstNames.some((n) => isPartOf(p.source, n))).forEach((p) => protecting.add(p.index));
  const pinned = pieces.filter((p) => protecting.has(p.index));
  const firstBins = pack(pinned).length;
  if (firstBins > targets[0].free) {
    throw propError(
      OWNER,
      'targets',
      `statements that protect exemption patterns or must reach every account (${pinned.map((p) => JSON.parse(p.json).Sid ?? `a statement of '${p.source}'`).join(', ')}) that need ${firstBins} documents, and ${targets[0].free} free SCP slots on the first target '${targets[0].name}'`,
      `room for them on the first target (the broadest: the environment's OU, which every account of it inherits)`,
      `Free a slot on '${targets[0].name}', or list a broader target first`,
    );
  }
  const bins = pack(pieces, pinned);
  const free = targets.reduce((n, t) => n + t.free, 0);
  if (bins.length > free) throw overflow(type, targets, bins.length, pieces, policies);
  if (pinned.length > 0) {
    // First-fit opens the bins of the pinned statements first, so they are the first target's.
    if (bins.some((b, i) => i >= targets[0].free && b.some((p) => protecting.has(p.index)))) {
      throw new Error(`${OWNER}: internal error: a pinned statement was packed outside the first target`);
    }
  }
  const out: CompiledOrganizationPolicy[] = [];
  let b = 0;
  for (const t of targets) {
    for (let n = 1; n <= t.free && b < bins.length; n++, b++) {
      const bin = [...bins[b]].sort((x, y) => x.index - y.index);
      const json = `{"Version":"2012-10-17","Statement":[${bin.map((p) => p.json).join(',')}]}`;
      out.push(new CompiledOrganizationPolicy(`${type}-${t.name}-${n}`, type, t.name, [...new Set(bin.map((p) => p.source))], json));
    }
  }
  return out;
}

/** True if `policyName` is `name` or one of its packed parts (`<name>-2`, `-3` ...). */
function isPartOf(policyName: string, name: string): boolean {
  return policyName === name || (policyName.startsWith(`${name}-`) && /^\d+$/.test(policyName.slice(name.length + 1)));
}

function validateTargets(targets: OrganizationPolicyTarget[]): { name: string; free: number }[] {
  if (targets.length === 0) throw propError(OWNER, 'targets', 'an empty list', 'at least one root, OU or account');
  return targets.map((t, i) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(t.name)) throw propError(OWNER, `targets[${i}].name`, `'${t.name}'`, "1-64 letters, digits, '-' or '_'");
    const used = t.slotsUsed ?? 1;
    if (!Number.isInteger(used) || used < 0 || used > OrganizationPolicyCompiler.MAX_POLICIES_PER_TARGET) {
      throw propError(OWNER, `targets[${i}].slotsUsed`, String(used), `a whole number from 0 to ${OrganizationPolicyCompiler.MAX_POLICIES_PER_TARGET}`);
    }
    return { name: t.name, free: OrganizationPolicyCompiler.MAX_POLICIES_PER_TARGET - used };
  });
}

function statementsOf(type: OrganizationPolicyType, policies: { name: string; toJson(): string }[]): Piece[] {
  const sids = new Map<string, string>();
  const pieces: Piece[] = [];
  for (const p of policies) {
    for (const s of JSON.parse(p.toJson()).Statement as any[]) {
      if (s.Sid !== undefined) {
        const other = sids.get(s.Sid);
        if (other !== undefined) {
          throw propError(
            OWNER,
            'policies',
            `the Sid '${s.Sid}' in ${type.toUpperCase()}s '${other}' and '${p.name}'`,
            'each Sid once (the statements share documents)',
          );
        }
        sids.set(s.Sid, p.name);
      }
      pieces.push({ index: pieces.length, source: p.name, json: JSON.stringify(s) });
    }
  }
  if (pieces.length === 0) throw propError(OWNER, 'policies', 'no statement', `at least one ${type.toUpperCase()}`);
  return pieces;
}

/** Size of a document holding statements of `total` characters in `count` statements. */
function documentSize(total: number, count: number): number {
  return ENVELOPE + total + Math.max(0, count - 1);
}

/**
 * First-fit decreasing. With `first`, those statements are packed before the others (into the first
 * bins), then the others fill them and the bins after.
 */
function pack(pieces: Piece[], first: Piece[] = []): Piece[][] {
  const bins: { items: Piece[]; total: number }[] = [];
  const bySize = (list: Piece[]) => [...list].sort((a, b) => b.json.length - a.json.length || a.index - b.index);
  const firstSet = new Set(first);
  for (const p of [...bySize(first), ...bySize(pieces.filter((x) => !firstSet.has(x)))]) {
    if (documentSize(p.json.length, 1) > OrganizationPolicyCompiler.MAX_CHARACTERS) {
      throw propError(
        OWNER,
        'policies',
        `a statement of '${p.source}' of ${p.json.length} characters`,
        `statements that fit a document of ${OrganizationPolicyCompiler.MAX_CHARACTERS} characters`,
        'Split the statement.',
      );
    }
    const bin = bins.find((b) => documentSize(b.total + p.json.length, b.items.length + 1) <= OrganizationPolicyCompiler.MAX_CHARACTERS);
    if (bin) {
      bin.items.push(p);
      bin.total += p.json.length;
    } else bins.push({ items: [p], total: p.json.length });
  }
  return bins.map((b) => b.items);
}

function overflow(
  type: OrganizationPolicyType,
  targets: { name: string; free: number }[],
  needed: number,
  pieces: Piece[],
  policies: { name: string }[],
): Error {
  const free = targets.reduce((n, t) => n + t.free, 0);
  const last = targets[targets.length - 1].name;
  const label = type.toUpperCase();
  const sizes = policies.map((p) => ({ name: p.name, size: pieces.filter((x) => x.source === p.name).reduce((n, x) => n + x.json.length, 0) }));
  // The smallest source policy whose removal makes the rest fit.
  const drop = [...sizes].sort((a, b) => a.size - b.size).find((s) => pack(pieces.filter((x) => x.source !== s.name)).length <= free);
  const slots = targets.map((t) => `${t.name} ${t.free}`).join(', ');
  return propError(
    OWNER,
    'policies',
    `${label} statements that need ${needed} documents of ${OrganizationPolicyCompiler.MAX_CHARACTERS} characters: target '${last}' overflows by ${needed - free}`,
    `at most ${free} documents (free ${label} slots per target: ${slots}; ${OrganizationPolicyCompiler.MAX_POLICIES_PER_TARGET} per target minus slotsUsed)`,
    drop
      ? `Drop the ${label} '${drop.name}' (${drop.size} characters of statements), or add a target, or free a slot on '${last}'`
      : `Drop ${label}s (${sizes.map((s) => `'${s.name}' ${s.size}`).join(', ')} characters of statements), or add a target`,
  );
}
