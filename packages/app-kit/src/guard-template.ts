/**
 * The part of a template the Control Tower Guard rules can see, so the evaluator walks less: the
 * evaluator's cost grows with the template's nodes for every rule file (about 35% of a synth at
 * scale, bench/RESULTS.md), and most of a guardrail template (CDK metadata, Config rules, custom
 * resources) is of types no applicable rule names.
 *
 * Kept whole: every resource whose type (the `Type` key in any letter case, a string or a list, as
 * `templateResourceTypes` reads it) a rule names, every resource without a string type, and every
 * resource a kept resource or an output refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` `${X}`,
 * `DependsOn`), transitively, so intrinsic functions resolve as before; every section but
 * `Resources`. Resource `Metadata` keeps only its `guard` key (Guard's own suppressions) unless a
 * rule reads `Metadata`.
 *
 * A template is reduced only if JavaScript parses it exactly as the evaluator does: it must parse,
 * nest at most `MAX_DEPTH` levels (the evaluator refuses more than 128) and hold no lone surrogate
 * (which the evaluator refuses): otherwise the original is evaluated, and the gate fails closed on
 * the evaluator's refusal as before. Synthesized templates are `JSON.stringify` output, so they hold
 * no duplicate key or byte-order mark. test/guard-template.test.ts and the parity suite compare the
 * findings with and without the reduction.
 */

/** Nesting beyond which a template is evaluated as it is (the evaluator's parser stops at 128). */
export const MAX_DEPTH = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the applicable rule files look at: the resource types they name, and whether one reads resource `Metadata`. */
export interface GuardRuleScope {
  readonly resourceTypes: ReadonlySet<string>;
  readonly readsMetadata: boolean;
}

/** True if a rule text reads a `Metadata` key (`MetadataOptions`, an EC2 property, does not count). */
export function readsMetadata(ruleText: string): boolean {
  return /\bMetadata\b(?!Options)/.test(ruleText.replace(/#.*$/gm, ''));
}

function depthOf(value: Json, limit: number): number {
  let max = 0;
  const stack: [Json, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

function typesOf(resource: Json): string[] | undefined {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return undefined;
  const out: string[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() !== 'type') continue;
    for (const t of Array.isArray(value) ? value : [value]) if (typeof t === 'string') out.push(t);
  }
  return out.length > 0 ? out : undefined;
}

/** The logical ids a value refers to: `Ref`, `Fn::GetAtt`, `Fn::Sub` `${X}` / `${X.Attr}`, `DependsOn`. */
function referencesOf(value: Json, into: Set<string>): void {
  const stack: Json[] = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      if (key === 'Ref' && typeof child === 'string') into.add(child);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(child) ? child[0] : typeof child === 'string' ? child.split('.')[0] : undefined;
        if (typeof target === 'string') into.add(target);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(child) ? child[0] : child;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{(?!!)([^}.]+)(\.[^}]*)?\}/g)) into.add(m[1]);
      } else if (key === 'DependsOn') {
        for (const d of Array.isArray(child) ? child : [child]) if (typeof d === 'string') into.add(d);
      }
      stack.push(child);
    }
  }
}

function hasLoneSurrogate(text: string): boolean {
  // JSON.stringify writes a well-formed pair as the character itself and a lone surrogate as an escape.
  return /\\ud[89a-f][0-9a-f]{2}/i.test(text);
}

/**
 * The template to evaluate, as text: the reduced one, or `undefined` when the original must be
 * evaluated as it is (it does not parse, nests too deep, holds a lone surrogate, or has no
 * `Resources` object).
 */
export function reducedTemplate(text: string, scope: GuardRuleScope): string | undefined {
  let template: Json;
  try {
    template = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return undefined;
  const resources = template.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources) || resources === undefined) return undefined;
  if (depthOf(template, MAX_DEPTH) > MAX_DEPTH) return undefined;
  if (hasLoneSurrogate(JSON.stringify(template))) return undefined;

  const kept = new Set<string>();
  for (const [id, resource] of Object.entries(resources)) {
    const types = typesOf(resource);
    if (types === undefined || types.some((t) => scope.resourceTypes.has(t))) kept.add(id);
  }
  const pending = new Set<string>();
  for (const id of kept) referencesOf(resources[id], pending);
  if (template.Outputs !== undefined) referencesOf(template.Outputs, pending);
  while (pending.size > 0) {
    const [id] = pending;
    pending.delete(id);
    if (kept.has(id) || !(id in resources)) continue;
    kept.add(id);
    referencesOf(resources[id], pending);
  }

  const out: Record<string, Json> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (!kept.has(id)) continue;
    if (scope.readsMetadata || resource === null || typeof resource !== 'object' || Array.isArray(resource) || !('Metadata' in resource)) {
      out[id] = resource;
      continue;
    }
    const { Metadata: metadata, ...rest } = resource;
    const guard = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata.guard : undefined;
    out[id] = guard !== undefined ? { ...rest, Metadata: { guard } } : rest;
  }
  return JSON.stringify({ ...template, Resources: out });
}
