/**
 * IAM policy documents: validation (MalformedPolicyDocument, worded as IAM words it) and evaluation
 * of identity policies and trust policies, following the IAM evaluation logic for a single account:
 * an explicit Deny in any statement wins, otherwise any Allow allows, otherwise the request is
 * implicitly denied. Action/NotAction and Resource/NotResource match with `*` and `?` wildcards
 * (actions case-insensitively), `${aws:username}`-style policy variables are substituted in
 * resources, and the common condition operators are evaluated (String*, Arn*, Bool, Null, Numeric*,
 * with `…IfExists` and `ForAnyValue:`/`ForAllValues:`). An operator we do not know makes its
 * condition fail, so an unknown Allow grants nothing and an unknown Deny denies nothing.
 */
import { AwsError } from '../types.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Condition keys of the request (`aws:username`, `aws:PrincipalArn`, `eks:clusterName`, …); names are case-insensitive. */
export type EvalContext = Record<string, string | string[] | boolean | number | undefined>;

const TOP = new Set(['Version', 'Id', 'Statement']);
const STATEMENT = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const TRUST_ACTIONS = /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message, 400);
}

function isStrings(v: unknown): v is string | string[] {
  return typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'));
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Parses and validates a policy document (a string, possibly URL-encoded as IAM returns them).
 * `kind` 'identity' forbids Principal and needs Resource; 'trust' needs a Principal, forbids
 * Resource and allows only sts:AssumeRole* actions. Throws MalformedPolicyDocument.
 */
export function parsePolicyDocument(text: string, kind: 'identity' | 'trust' = 'identity'): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trimStart().startsWith('%7B') ? decodeURIComponent(text) : text);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw malformed('Syntax errors in policy.');
  const doc = raw as Record<string, unknown>;
  if (Object.keys(doc).some((k) => !TOP.has(k))) throw malformed('Syntax errors in policy.');
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') throw malformed('Syntax errors in policy.');
  const st = doc.Statement;
  const statements = Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : undefined;
  if (!statements?.length) throw malformed('Syntax errors in policy.');
  const sids = new Set<string>();
  for (const s of statements as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object' || Array.isArray(s) || Object.keys(s).some((k) => !STATEMENT.has(k))) throw malformed('Syntax errors in policy.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Syntax errors in policy.');
    if ((s.Action && s.NotAction) || (s.Resource && s.NotResource) || (s.Principal && s.NotPrincipal)) throw malformed('Syntax errors in policy.');
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) if (s[k] !== undefined && !isStrings(s[k])) throw malformed('Syntax errors in policy.');
    if (s.Condition !== undefined && (typeof s.Condition !== 'object' || Array.isArray(s.Condition))) throw malformed('Syntax errors in policy.');
    if (typeof s.Sid === 'string' && s.Sid) {
      if (sids.has(s.Sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
      sids.add(s.Sid);
    }
    const actions = list((s.Action ?? s.NotAction) as string | string[] | undefined);
    if (!actions.length) throw malformed('Policy statement must contain actions.');
    for (const a of actions) {
      if (a !== '*' && !/^[A-Za-z0-9-]+:[^:]+$/.test(a)) {
        throw malformed(a.split(':').length > 2 ? 'Actions/Condition can contain only one colon.' : 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      }
    }
    if (kind === 'identity') {
      if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed('Policy document should not specify a principal.');
      if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Policy statement must contain resources.');
    } else {
      if (s.Resource !== undefined || s.NotResource !== undefined) throw malformed('Has prohibited field Resource.');
      if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Missing required field Principal.');
      if (actions.some((a) => !TRUST_ACTIONS.test(a))) {
        throw malformed('Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity');
      }
    }
  }
  return { ...(doc as object), Statement: statements } as PolicyDocument;
}

const docCache = new Map<string, PolicyDocument>();

/** {@link parsePolicyDocument} for identity policies, memoized by text (evaluation parses on every request). */
export function parsePolicyCached(text: string): PolicyDocument {
  let d = docCache.get(text);
  if (!d) {
    d = parsePolicyDocument(text);
    if (docCache.size > 2000) docCache.clear();
    docCache.set(text, d);
  }
  return d;
}

const reCache = new Map<string, RegExp>();

/** `*` (any run) and `?` (one character) glob match, optionally case-insensitive. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!/[*?]/.test(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  const id = (ignoreCase ? 'i' : 's') + pattern;
  let re = reCache.get(id);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', ignoreCase ? 'si' : 's');
    if (reCache.size > 5000) reCache.clear();
    reCache.set(id, re);
  }
  return re.test(value);
}

function ctxGet(ctx: EvalContext, key: string): EvalContext[string] {
  if (key in ctx) return ctx[key];
  const lk = key.toLowerCase();
  for (const k of Object.keys(ctx)) if (k.toLowerCase() === lk) return ctx[k];
  return undefined;
}

/** `${aws:username}` and friends, `${*}`/`${?}`/`${$}` escapes; unknown variables match nothing. */
function substitute(resource: string, ctx: EvalContext): string | undefined {
  if (!resource.includes('${')) return resource;
  let ok = true;
  const out = resource.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const v = ctxGet(ctx, name);
    if (typeof v === 'string') return v;
    ok = false;
    return '';
  });
  return ok ? out : undefined;
}

const str = (v: unknown) => String(v);
type Cmp = (want: string, have: string) => boolean;
const OPERATORS: Record<string, Cmp> = {
  stringequals: (w, h) => w === h,
  stringnotequals: (w, h) => w !== h,
  stringequalsignorecase: (w, h) => w.toLowerCase() === h.toLowerCase(),
  stringnotequalsignorecase: (w, h) => w.toLowerCase() !== h.toLowerCase(),
  stringlike: (w, h) => wildcardMatch(w, h),
  stringnotlike: (w, h) => !wildcardMatch(w, h),
  arnequals: (w, h) => w === h,
  arnlike: (w, h) => wildcardMatch(w, h),
  arnnotequals: (w, h) => w !== h,
  arnnotlike: (w, h) => !wildcardMatch(w, h),
  bool: (w, h) => w.toLowerCase() === h.toLowerCase(),
  numericequals: (w, h) => Number(h) === Number(w),
  numericnotequals: (w, h) => Number(h) !== Number(w),
  numericlessthan: (w, h) => Number(h) < Number(w),
  numericlessthanequals: (w, h) => Number(h) <= Number(w),
  numericgreaterthan: (w, h) => Number(h) > Number(w),
  numericgreaterthanequals: (w, h) => Number(h) >= Number(w),
};
const NEGATED = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike', 'numericnotequals']);

/** True when every operator block of the Condition element holds for `ctx`. */
export function conditionsHold(condition: PolicyStatement['Condition'], ctx: EvalContext): boolean {
  if (!condition) return true;
  for (const [rawOp, block] of Object.entries(condition)) {
    let op = rawOp.toLowerCase();
    let set: 'any' | 'all' | undefined;
    if (op.startsWith('foranyvalue:')) [set, op] = ['any', op.slice(12)];
    else if (op.startsWith('forallvalues:')) [set, op] = ['all', op.slice(13)];
    const ifExists = op.endsWith('ifexists');
    if (ifExists) op = op.slice(0, -8);
    for (const [key, wantRaw] of Object.entries(block ?? {})) {
      const have = ctxGet(ctx, key);
      const wants = (Array.isArray(wantRaw) ? wantRaw : [wantRaw]).map(str);
      if (op === 'null') {
        if (wants.some((w) => (w.toLowerCase() === 'true') !== (have === undefined))) return false;
        continue;
      }
      const cmp = OPERATORS[op];
      if (!cmp) return false;
      if (have === undefined) {
        if (ifExists || set === 'all') continue;
        return false;
      }
      const haves = (Array.isArray(have) ? have : [have]).map(str);
      // For negated operators every value must differ from every listed one; otherwise any match counts.
      const one = (h: string) => (NEGATED.has(op) ? wants.every((w) => cmp(w, h)) : wants.some((w) => cmp(w, h)));
      const ok = set === 'all' ? haves.every(one) : haves.some(one);
      if (!ok) return false;
    }
  }
  return true;
}

function statementApplies(s: PolicyStatement, action: string, resource: string, ctx: EvalContext): boolean {
  const actionHit = s.Action !== undefined ? list(s.Action).some((p) => wildcardMatch(p, action, true)) : !list(s.NotAction).some((p) => wildcardMatch(p, action, true));
  if (!actionHit) return false;
  const resHit = (p: string) => {
    const sub = substitute(p, ctx);
    return sub !== undefined && wildcardMatch(sub, resource);
  };
  if (s.Resource !== undefined && !list(s.Resource).some(resHit)) return false;
  if (s.NotResource !== undefined && list(s.NotResource).some(resHit)) return false;
  return conditionsHold(s.Condition, ctx);
}

/**
 * The decision of a set of identity policies for `action` on `resource` (`*` when the action has
 * no resource). Explicit Deny wins over Allow; no matching statement is ImplicitDeny.
 */
export function evaluate(policies: readonly PolicyDocument[], action: string, resource = '*', context: EvalContext = {}): Decision {
  let allowed = false;
  for (const doc of policies) {
    for (const s of doc.Statement) {
      if (!statementApplies(s, action, resource, context)) continue;
      if (s.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** Who asks to assume a role: IAM ARNs (user/role/root, account id) or a service principal. */
export interface TrustCaller {
  /** ARNs and account ids matched by `Principal.AWS` (e.g. the user ARN and `arn:aws:iam::A:root`). */
  aws?: string[];
  /** e.g. `eks.amazonaws.com`. */
  service?: string;
  /** An OIDC/SAML provider ARN or name for `Principal.Federated`. */
  federated?: string;
}

function principalMatches(p: PolicyStatement['Principal'], caller: TrustCaller, exact: boolean): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  for (const [type, values] of Object.entries(p)) {
    const vs = list(values);
    if (type === 'AWS') {
      if (vs.includes('*') && !exact) return true;
      for (const v of vs) {
        const want = /^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : v;
        // Naming an account (its root) trusts every principal of that account.
        if (caller.aws?.some((a) => a === want || (!exact && want.endsWith(':root') && a.split(':')[4] === want.split(':')[4]))) return true;
      }
    } else if (type === 'Service') {
      if (caller.service && vs.some((v) => v.toLowerCase() === caller.service!.toLowerCase())) return true;
    } else if (type === 'Federated') {
      if (caller.federated && vs.includes(caller.federated)) return true;
    }
  }
  return false;
}

/**
 * Whether a role's trust policy lets `caller` perform `action` (sts:AssumeRole by default). With
 * `exact`, only statements naming the caller itself count — not its account or `*`: IAM then needs
 * no identity policy of the caller to allow the action too.
 */
export function trustAllows(doc: PolicyDocument, caller: TrustCaller, action = 'sts:AssumeRole', context: EvalContext = {}, exact = false): boolean {
  let allowed = false;
  for (const s of doc.Statement) {
    const who = s.Principal !== undefined ? principalMatches(s.Principal, caller, exact) : s.NotPrincipal !== undefined && !principalMatches(s.NotPrincipal, caller, false);
    if (!who || !statementApplies({ ...s, Resource: '*' }, action, '*', context)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
