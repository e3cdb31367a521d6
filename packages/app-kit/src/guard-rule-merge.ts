/**
 * The Control Tower Guard rule files that apply, evaluated as one rule file.
 *
 * The Guard evaluator pays a fixed cost per rule file and template (about 2 to 3 ms, measured in
 * bench/RESULTS.md), whatever the file checks: 26 files on one workload template cost twice what
 * the same rules cost as one file. The files cannot simply be concatenated: every file declares
 * `let INPUT_DOCUMENT` and its own helper rules (`rule check(...)`, `rule is_cfn_template(doc)`),
 * and the rule a file reports under can repeat in another file. So each file's names are first put
 * in a namespace of their own: every name it declares (its `let` variables, wherever declared, its
 * rules and their parameters) is prefixed with `ct<n>__`, at the declaration and wherever the file
 * uses it (`%name`, a call `name(...)`, a named-rule clause), and nowhere else: not in property
 * names, strings, regular expressions, comments or the rule's custom message (`<< ... >>`), which is
 * the finding's description and fix. Each file then evaluates in its own scope, as it did alone; the
 * evaluator's diagnostics name the prefixed rule, and `withoutNamespace` takes the prefix off again.
 *
 * A file whose text this cannot read as only `let` statements and `rule` blocks (Guard would
 * evaluate a clause outside a rule as an unnamed rule of the file) is left as a file of its own
 * (`namespacedRuleText` returns `undefined`). test/guard-rule-merge.test.ts evaluates every bundled
 * rule file alone and in the merged file on the same templates and compares every diagnostic.
 */
import { onlyLetsAndRules } from './guard-rule-gates';

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
/** What `namespacedRuleText` puts before each name; `withoutNamespace` removes it. */
const PREFIX_PATTERN = /\bct\d+__/g;

/** The prefix of the n-th file in a merged rule set. */
export function namespacePrefix(n: number): string {
  return `ct${n}__`;
}

/** `text` with every prefix `namespacedRuleText` added removed: a rule id or message as the file alone would report it. */
export function withoutNamespace(text: string): string {
  return text.replace(PREFIX_PATTERN, '');
}

interface Token {
  readonly kind: 'ident' | 'other';
  readonly text: string;
  /** For an identifier: the character just before it, outside skipped text ('' at the start). */
  readonly before: string;
}

/**
 * The file split into identifiers and everything else; comments, strings, regular expressions and
 * custom messages are kept whole as `other`. `undefined` if a literal or message does not close.
 */
function tokens(text: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  let before = '';
  const other = (end: number): void => {
    out.push({ kind: 'other', text: text.slice(i, end), before: '' });
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      other(eol < 0 ? text.length : eol);
      // A comment separates tokens as a newline does.
      before = '\n';
    } else if (text.startsWith('<<', i)) {
      const end = text.indexOf('>>', i + 2);
      if (end < 0) return undefined;
      other(end + 2);
      before = '>';
    } else if (c === '"' || c === "'" || c === '/') {
      let end = -1;
      for (let j = i + 1; j < text.length; j++) {
        if (text[j] === '\\') j++;
        else if (text[j] === c) {
          end = j + 1;
          break;
        }
      }
      if (end < 0) return undefined;
      other(end);
      before = c;
    } else if (IDENT_START.test(c)) {
      let end = i + 1;
      while (end < text.length && IDENT_PART.test(text[end])) end++;
      out.push({ kind: 'ident', text: text.slice(i, end), before });
      i = end;
      before = 'a';
    } else {
      // Digits glue to the identifier-like run they start (a number such as 365 or 1e3 is not a name).
      let end = i + 1;
      if (/[0-9]/.test(c)) while (end < text.length && IDENT_PART.test(text[end])) end++;
      other(end);
      before = text[end - 1];
    }
  }
  return out;
}

/**
 * The rule file with every name it declares moved into the namespace `prefix`, or `undefined` if the
 * file is not only `let` statements and `rule` blocks, cannot be read, or already uses a name that
 * looks like a namespaced one.
 */
export function namespacedRuleText(text: string, prefix: string): string | undefined {
  if (!onlyLetsAndRules(text.replace(/#.*$/gm, ''))) return undefined;
  if (PREFIX_PATTERN.test(text)) {
    PREFIX_PATTERN.lastIndex = 0;
    return undefined;
  }
  const toks = tokens(text);
  if (toks === undefined) return undefined;
  const code = toks.map((t, index) => ({ t, index })).filter(({ t }) => t.kind === 'ident' || t.text.trim() !== '');
  // The names the file declares: `let x`, `rule r`, and the parameters of `rule r(a, b)`.
  const variables = new Set<string>();
  const rules = new Set<string>();
  const renamed = new Set<number>();
  for (let k = 0; k < code.length; k++) {
    const { t } = code[k];
    if (t.kind !== 'ident' || t.before === '.' || t.before === '%') continue;
    const next = code[k + 1];
    if (t.text === 'let' && next?.t.kind === 'ident') {
      variables.add(next.t.text);
      renamed.add(next.index);
    } else if (t.text === 'rule' && next?.t.kind === 'ident') {
      rules.add(next.t.text);
      renamed.add(next.index);
      if (code[k + 2]?.t.text === '(') {
        for (let p = k + 3; p < code.length && code[p].t.text !== ')'; p++) {
          if (code[p].t.kind === 'ident') {
            variables.add(code[p].t.text);
            renamed.add(code[p].index);
          } else if (code[p].t.text !== ',') return undefined;
        }
      }
    }
  }
  // Their uses: a variable is always `%name`; a rule is named bare (a clause or a call), never after a dot.
  for (const { t, index } of code) {
    if (t.kind !== 'ident') continue;
    if (t.before === '%' && variables.has(t.text)) renamed.add(index);
    else if (t.before !== '%' && t.before !== '.' && rules.has(t.text)) renamed.add(index);
  }
  return toks.map((t, index) => (renamed.has(index) ? prefix + t.text : t.text)).join('');
}
