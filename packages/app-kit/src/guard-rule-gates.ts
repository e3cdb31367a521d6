/**
 * When a Control Tower Guard rule file can report on a template at all, read from the file's own rules.
 *
 * A rule file names more resource types than it reports on: `ct-apigateway-pr-4` reports on
 * `AWS::ApiGatewayV2::Stage` and also names `AWS::Logs::LogGroup`, because it follows a stage's log
 * destination. Choosing rule files by every type they name therefore ran about twice as many files
 * as can report on the workload templates, and the evaluator's cost grows with the number of rule
 * files evaluated on each template (bench/RESULTS.md).
 *
 * Every rule file of the bundled rule set is written in one of two shapes, each with a `when` guard
 * that must hold before any check of the rule runs (a rule whose guard fails is SKIP, never a finding):
 *
 * - `rule x when is_cfn_template(%INPUT_DOCUMENT) %selection not empty { ... }`, where
 *   `let selection = Resources.*[ Type == %T1 or Type == %T2 ]` and each `T` is a string constant:
 *   the rule can only run on a template with a resource of one of those types;
 * - `rule x when is_cfn_hook(%INPUT_DOCUMENT, %T) { ... }`, where `is_cfn_hook(doc, T)` is
 *   `%doc.%T.resourceProperties exists`: the rule can only run on a document with a top-level key `T`.
 *
 * Parametrized rules (`rule f(x) { ... }`) only run when one of those rules calls them. A file all of
 * whose unparametrized rules have one of these guards, that holds nothing but `let` statements and
 * `rule` blocks (Guard evaluates a clause outside any rule as an unguarded rule of its own), and none of
 * whose `let` names is defined twice, gets its gates; any other file gets none (`undefined`) and is chosen, as before, by every type it names.
 * test/guard-rule-gates.test.ts shows every bundled file is recognized, and the parity suites compare
 * the findings with those of every rule file.
 */

/** The keys a rule file needs in a template before any of its rules can report. */
export interface GuardRuleGates {
  /** A resource of one of these types (`Type == ...` of a `Resources.*[...]` selection guarding a rule). */
  readonly reportsOn: readonly string[];
  /** A top-level key of one of these names (the `is_cfn_hook` shape, CloudFormation hook documents). */
  readonly hookKeys: readonly string[];
}

const NAME = '[A-Za-z0-9_]+';
const IS_CFN_HOOK = /^rule\s+is_cfn_hook\s*\(\s*doc\s*,\s*RESOURCE_TYPE\s*\)\s*\{\s*%doc\.%RESOURCE_TYPE\.resourceProperties\s+exists\s*\}$/;

/** The index just past the literal (string or `/regex/`) that opens at `i`, honouring `\\` escapes; -1 if it does not close. */
function pastLiteral(code: string, i: number): number {
  const quote = code[i];
  for (let j = i + 1; j < code.length; j++) {
    if (code[j] === '\\') j++;
    else if (code[j] === quote) return j + 1;
  }
  return -1;
}

/**
 * True if, outside comments, the file holds only `let` statements and `rule` blocks. Guard evaluates
 * a clause written outside any rule as a rule of its own, with no guard; a file with one gets no gates.
 */
export function onlyLetsAndRules(code: string): boolean {
  let i = 0;
  const skipSpace = (): void => {
    while (i < code.length && /\s/.test(code[i])) i++;
  };
  for (skipSpace(); i < code.length; skipSpace()) {
    const isLet = /^let\s/.test(code.slice(i, i + 4));
    if (!isLet && !/^rule\s/.test(code.slice(i, i + 5))) return false;
    // A `let` ends at the end of its line outside brackets; a `rule` when its first `{` is closed.
    let depth = 0;
    let opened = false;
    for (; i < code.length; i++) {
      const c = code[i];
      if (code.startsWith('<<', i)) {
        const end = code.indexOf('>>', i + 2);
        if (end < 0) return false;
        i = end + 1;
      } else if (c === '"' || c === "'" || c === '/') {
        const end = pastLiteral(code, i);
        if (end < 0) return false;
        i = end - 1;
      } else if ('[({'.includes(c)) {
        depth++;
        if (c === '{') opened = true;
      } else if ('])}'.includes(c)) {
        depth--;
        if (depth < 0) return false;
        if (!isLet && opened && depth === 0) {
          i++;
          break;
        }
      } else if (isLet && c === '\n' && depth === 0) break;
    }
    if (depth !== 0) return false;
  }
  return true;
}

/** The gates of a rule file, or `undefined` if one of its rules is not of a recognized shape. */
export function guardRuleGates(ruleText: string): GuardRuleGates | undefined {
  const code = ruleText.replace(/#.*$/gm, '');
  if (!onlyLetsAndRules(code)) return undefined;

  // Every `let` name must be defined once: a second definition could change what a guard reads. (A rule
  // name may repeat: the template and the hook variant of a rule share it, and each has its own guard.)
  const letNames = [...code.matchAll(new RegExp(`^\\s*let\\s+(${NAME})\\s*=`, 'gm'))].map((m) => m[1]);
  if (new Set(letNames).size !== letNames.length) return undefined;
  if (!/^\s*let\s+INPUT_DOCUMENT\s*=\s*this\s*$/m.test(code)) return undefined;

  const constants = new Map<string, string>();
  for (const m of code.matchAll(new RegExp(`^\\s*let\\s+(${NAME})\\s*=\\s*(["'])([^"'\\n]+)\\2\\s*$`, 'gm'))) constants.set(m[1], m[3]);

  // `let v = Resources.*[ Type == %A or Type == %B ]`: the types a selection can hold.
  const selections = new Map<string, string[]>();
  for (const m of code.matchAll(new RegExp(`^\\s*let\\s+(${NAME})\\s*=\\s*Resources\\.\\*\\[([^\\]]*)\\]\\s*$`, 'gm'))) {
    const types: string[] = [];
    for (const clause of m[2].trim().split(/\s+or\s+/)) {
      const c = new RegExp(`^Type\\s*==\\s*%(${NAME})$`).exec(clause.trim());
      const type = c ? constants.get(c[1]) : undefined;
      if (type === undefined) {
        types.length = 0;
        break;
      }
      types.push(type);
    }
    if (types.length > 0) selections.set(m[1], types);
  }

  const reportsOn = new Set<string>();
  const hookKeys = new Set<string>();
  let hookHelper: string | undefined;
  for (const m of code.matchAll(new RegExp(`^\\s*rule\\s+(${NAME})\\s*(\\([^)]*\\))?\\s*(when\\b[^{]*)?\\{`, 'gm'))) {
    if (m[2] !== undefined) {
      if (m[1] === 'is_cfn_hook') hookHelper = code.slice(m.index).replace(/^\s*/, '').split(/\}/)[0] + '}';
      continue;
    }
    const when = (m[3] ?? '').replace(/\s+/g, ' ').trim();
    const hook = new RegExp(`^when is_cfn_hook\\( ?%INPUT_DOCUMENT ?, ?%(${NAME}) ?\\)$`).exec(when);
    const template = new RegExp(`^when is_cfn_template\\( ?(?:%INPUT_DOCUMENT|this) ?\\) %(${NAME}) not empty$`).exec(when);
    if (hook && constants.has(hook[1])) hookKeys.add(constants.get(hook[1])!);
    else if (template && selections.has(template[1])) for (const t of selections.get(template[1])!) reportsOn.add(t);
    else return undefined;
  }
  // The hook shape counts only with the standard helper: a key `T` holding `resourceProperties`.
  if (hookKeys.size > 0 && (hookHelper === undefined || !IS_CFN_HOOK.test(hookHelper.replace(/\s+/g, ' ')))) return undefined;
  if (reportsOn.size === 0 && hookKeys.size === 0) return undefined;
  return { reportsOn: [...reportsOn].sort(), hookKeys: [...hookKeys].sort() };
}
