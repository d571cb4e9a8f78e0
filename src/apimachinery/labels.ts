/**
 * Label selectors as k8s.io/apimachinery/pkg/labels: the string form of `?labelSelector=` and
 * `kubectl -l`, the metav1.LabelSelector object form of Deployments and Services, matching, and
 * the String() form used for `status.selector` of scale subresources.
 */
import { badRequest, type FieldError } from './errors.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** selection.Operator values; `!` is DoesNotExist, `gt`/`lt` compare integers. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and de-duplicated when parsed from a string (upstream uses a string set). */
  readonly values: readonly string[];
}

/** A parsed selector: the AND of its requirements, sorted by key. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** The selector of a null metav1.LabelSelector: it matches no object at all. */
  readonly matchesNothing: boolean;
}

/** metav1.LabelSelectorRequirement (operators In, NotIn, Exists, DoesNotExist). */
export interface MetaLabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** metav1.LabelSelector as it appears in object specs. */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: MetaLabelSelectorRequirement[] | null;
}

export const EVERYTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: false });
export const NOTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]), matchesNothing: true });

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** Go's %q for the strings in error texts. */
function goQuote(s: string): string {
  return `"${s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  })}"`;
}
/** Go's %#v for a []string, as field errors print it. */
const goStringSlice = (xs: readonly string[]): string => (xs.length === 0 ? '[]string(nil)' : `[]string{${xs.map(goQuote).join(', ')}}`);

const invalidText = (path: string, value: string, detail: string): string => `${path}: Invalid value: ${value}: ${detail}`;

/** Aggregate.Error(): one message alone, several de-duplicated in brackets. */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

/** The key error of validateLabelKey, or undefined when the key is a qualified name. */
function keyError(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidText(path, goQuote(key), errs.join('; ')) : undefined;
}

/**
 * Builds one requirement with NewRequirement's checks (key, value count per operator, integer
 * values for gt/lt, label values). Throws an Error with upstream's aggregated message.
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const errs: string[] = [];
  const ke = keyError(key, 'key');
  if (ke) errs.push(ke);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidText('values', goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidText('values', goStringSlice(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidText('values', goStringSlice(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidText('values', goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidText(`values[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${goQuote(String(operator))}: supported values: ${[...BINARY_OPERATORS, 'exists', '!'].map((o) => goQuote(o)).join(', ')}`);
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalidText(`values[${i}][${key}]`, goQuote(v), ve.join('; ')));
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values: [...values] };
}

/** strconv.ParseInt(s, 10, 64), as a bigint. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

// ---- lexer and parser (same grammar and messages as labels.Parse) ----

type Tok = 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item {
  tok: Tok;
  lit: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WHITESPACE.has(s[i]!)) i++;
    if (i >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    const c = s[i]!;
    if (SPECIAL.has(c)) {
      // Longest match: only "!=" and "==" are two characters long.
      const two = s.slice(i, i + 2);
      const lit = two === '!=' || two === '==' ? two : c;
      i += lit.length;
      items.push({ tok: lit as Tok, lit });
      continue;
    }
    const start = i;
    while (i < s.length && !SPECIAL.has(s[i]!) && !WHITESPACE.has(s[i]!)) i++;
    const lit = s.slice(start, i);
    items.push({ tok: lit === 'in' || lit === 'notin' ? lit : 'id', lit });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In value context the keywords `in`/`notin` are plain identifiers. */
  private peek(values = true): Item {
    const it = this.items[this.pos]!;
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(values = true): Item {
    const it = this.peek(values);
    this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek();
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const after = this.next();
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const n = this.peek();
      if (n.tok !== 'id' && n.tok !== '!') throw new Error(`found '${n.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let op: LabelOperator | undefined;
    let t = this.next();
    if (t.tok === '!') {
      op = '!';
      t = this.next();
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const ke = keyError(key, '<nil>');
    if (ke) throw new Error(ke);
    const la = this.peek().tok;
    if (la === 'eos' || la === ',') op ??= 'exists';
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);

    const o = this.next(false);
    const opByTok: Partial<Record<Tok, LabelOperator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    op = opByTok[o.tok];
    if (!op) throw new Error(`found '${o.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private setValues(): Set<string> {
    const open = this.next();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek();
    if (tok === ')') {
      this.next();
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const s = new Set<string>();
    for (;;) {
      const t = this.next();
      if (t.tok === 'id') {
        s.add(t.lit);
        const n = this.peek();
        if (n.tok === ',') continue;
        if (n.tok === ')') break;
        throw new Error(`found '${n.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        // "(,a)", "(a,)" and "(a,,b)" all contain the empty value.
        if (s.size === 0) s.add('');
        const n = this.peek().tok;
        if (n === ')') {
          s.add('');
          break;
        }
        if (n === ',') s.add('');
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    this.next(); // the ')'
    return s;
  }

  private exactValue(): Set<string> {
    const n = this.peek();
    if (n.tok === 'eos' || n.tok === ',') return new Set(['']);
    const t = this.next();
    if (t.tok === 'id') return new Set([t.lit]);
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

const byKey = (reqs: LabelRequirement[]): LabelRequirement[] => reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Parses the string form (`a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1`); "" selects everything.
 * Throws a 400 BadRequest whose message is upstream's, e.g.
 * `unable to parse requirement: <nil>: Invalid value: "a:b": name part must consist of ...`.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return { requirements: byKey(new Parser(lex(s)).parse()), matchesNothing: false };
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

const META_OPS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * Converts a metav1.LabelSelector as LabelSelectorAsSelector: null/undefined selects nothing, an
 * empty selector selects everything. Throws a 400 BadRequest with upstream's message for an
 * unknown operator (`"Foo" is not a valid label selector operator`) or an invalid requirement.
 * Objects should be checked with validateLabelSelector first, which reports FieldErrors instead.
 */
export function selectorFromLabelSelector(obj: MetaLabelSelector | null | undefined): LabelSelector {
  if (obj == null) return NOTHING;
  const labels = Object.entries(obj.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = obj.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return EVERYTHING;
  try {
    const reqs = labels.map(([k, v]) => newRequirement(k, '=', [v]));
    for (const e of exprs) {
      const op = META_OPS[e.operator];
      if (!op) throw new Error(`${goQuote(e.operator ?? '')} is not a valid label selector operator`);
      reqs.push(newRequirement(e.key, op, e.values ?? []));
    }
    return { requirements: byKey(reqs), matchesNothing: false };
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/** A selector matching exactly these labels (SelectorFromValidatedSet: no validation). */
export function selectorFromSet(set: Record<string, string> | null | undefined): LabelSelector {
  const reqs = Object.entries(set ?? {}).map(([key, v]): LabelRequirement => ({ key, operator: '=', values: [v] }));
  return reqs.length ? { requirements: byKey(reqs), matchesNothing: false } : EVERYTHING;
}

/** Whether one requirement holds for these labels (missing key: only notin, != and ! hold). */
export function requirementMatches(r: LabelRequirement, labels: Record<string, string> | null | undefined): boolean {
  const has = labels != null && Object.hasOwn(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return v !== undefined && r.values.includes(v);
    case 'notin':
    case '!=':
      return v === undefined || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (v === undefined || r.values.length !== 1) return false;
      const lv = parseInt64(v);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

/** True when every requirement holds; an empty selector matches everything, NOTHING nothing. */
export function matches(sel: LabelSelector, labels: Record<string, string> | null | undefined): boolean {
  return !sel.matchesNothing && sel.requirements.every((r) => requirementMatches(r, labels));
}

/** True when the selector does not restrict anything (not true for NOTHING). */
export function isEmpty(sel: LabelSelector): boolean {
  return !sel.matchesNothing && sel.requirements.length === 0;
}

/** The requirements (sorted by key), or undefined for a selector that selects nothing. */
export function requirementsFor(sel: LabelSelector): readonly LabelRequirement[] | undefined {
  return sel.matchesNothing ? undefined : sel.requirements;
}

/**
 * The single value the selector requires for `key` (from `=`, `==` or a one-value `in`), for
 * index lookups; undefined otherwise. Like upstream, only the first requirement on the key counts.
 */
export function requiresExactMatch(sel: LabelSelector, key: string): string | undefined {
  const r = sel.requirements.find((x) => x.key === key);
  if (!r || (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') || r.values.length !== 1) return undefined;
  return r.values[0];
}

function requirementString(r: LabelRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  const sym: Record<string, string> = { '=': '=', '==': '==', '!=': '!=', gt: '>', lt: '<' };
  if (r.operator === 'in' || r.operator === 'notin') return `${r.key} ${r.operator} (${vals})`;
  return `${r.key}${sym[r.operator]}${vals}`;
}

/** Selector.String(): requirements joined by ","; "" for everything and for nothing. */
export function labelSelectorToString(sel: LabelSelector): string {
  return sel.requirements.map(requirementString).join(',');
}

/**
 * The string form of a metav1.LabelSelector, as kube-controller-manager writes it into
 * `status.selector` of scale subresources (`LabelSelectorAsSelector(s).String()`), e.g.
 * `app=web,tier in (a,b)`. Throws like selectorFromLabelSelector.
 */
export function formatLabelSelector(obj: MetaLabelSelector | null | undefined): string {
  return labelSelectorToString(selectorFromLabelSelector(obj));
}

/**
 * Validates a metav1.LabelSelector inside an object (ValidateLabelSelector): matchLabels as
 * labels, each expression's operator, values count and key. Returns FieldErrors for a 422.
 */
export function validateLabelSelector(obj: MetaLabelSelector | null | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (obj == null) return errs;
  for (const [k, v] of Object.entries(obj.matchLabels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push({ type: 'FieldValueInvalid', field: `${path}.matchLabels`, value: k, detail: m });
    for (const m of isValidLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `${path}.matchLabels`, value: v, detail: m });
  }
  (obj.matchExpressions ?? []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const n = e.values?.length ?? 0;
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (n === 0) errs.push({ type: 'FieldValueRequired', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (n > 0) errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else {
      errs.push({ type: 'FieldValueInvalid', field: `${p}.operator`, value: e.operator, detail: 'not a valid selector operator' });
    }
    for (const m of isQualifiedName(e.key ?? '')) errs.push({ type: 'FieldValueInvalid', field: `${p}.key`, value: e.key, detail: m });
  });
  return errs;
}
