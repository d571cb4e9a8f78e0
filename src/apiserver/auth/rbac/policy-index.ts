/**
 * The RBAC objects of one API server, indexed for authorization: bindings by subject (user,
 * group, service account) and by namespace, roles by name, and the aggregated ClusterRoles'
 * rules as the clusterrole-aggregation controller would write them. The index is built once from
 * the watch cache and then kept current from the cache's own change events, so a decision costs a
 * few map lookups whatever the number of bindings, and a write costs only its own delta.
 */
import { matches, NOTHING, selectorFromLabelSelector, type LabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import type { CacheEntry } from '../../cache/entry.js';
import type { CacheEvent, ResourceCache } from '../../cache/resource-cache.js';
import type { UserInfo } from '../../endpoints/types.js';
import { RBAC_GROUP, type BindingObject, type PolicyRule, type RoleObject, type Subject } from '../../registry/rbac/rules.js';

/** What the RBAC code reads: the generic stores of an ApiServer (their watch caches). */
export interface RbacSource {
  storeFor(group: string, plural: string): { cache: ResourceCache } | undefined;
}

/** Finds the API server whose RBAC objects count (it may not exist yet while a cluster starts). */
export type RbacLookup = () => RbacSource | undefined;

/** One binding as the index holds it (a binding with several subjects is in several buckets). */
export interface BindingRef {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  roleKind: string;
  roleName: string;
  subjects: Subject[];
  /** The role's rules (or NotFound message) as resolved at role generation `gen`. */
  rules?: PolicyRule[] | string;
  gen?: number;
}

const SA_PREFIX = 'system:serviceaccount:';

/** The index key a subject is found under ('' when it can never match, e.g. an SA without namespace). */
function subjectKey(s: Subject, bindingNamespace: string): string {
  switch (s.kind) {
    case 'User':
      return `u\0${s.name ?? ''}`;
    case 'Group':
      return `g\0${s.name ?? ''}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns && s.name ? `u\0${SA_PREFIX}${ns}:${s.name}` : '';
    }
    default:
      return '';
  }
}

/** The keys a user is found under: its name, then each group. */
export function userKeys(user: UserInfo): string[] {
  const keys = [`u\0${user.name}`];
  for (const g of user.groups) keys.push(`g\0${g}`);
  return keys;
}

/** appliesToUser: whether the subject names this user. */
export function subjectApplies(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  const k = subjectKey(s, bindingNamespace);
  return k !== '' && (k === `u\0${user.name}` || (k.startsWith('g\0') && user.groups.includes(k.slice(2))));
}

/** describeSubject: `User "jane"`, `ServiceAccount "name/namespace"`. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name ?? ''}/${s.namespace || bindingNamespace}"`;
  return `${s.kind ?? ''} "${s.name ?? ''}"`;
}

/** The binding's description in reasons: `ClusterRoleBinding "x" of ClusterRole "y" to User "z"`. */
export function describeBinding(b: BindingRef, user: UserInfo): string {
  const s = b.subjects.find((x) => subjectApplies(x, user, b.namespace)) ?? b.subjects[0] ?? {};
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} "${name}" of ${b.roleKind} "${b.roleName}" to ${describeSubject(s, b.namespace)}`;
}

type Buckets = Map<string, Set<BindingRef>>;

const addRef = (m: Buckets, key: string, ref: BindingRef) => {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(ref);
};

/** The four RBAC resources and how each applies a change to the index. */
const KINDS = ['clusterroles', 'roles', 'clusterrolebindings', 'rolebindings'] as const;
type Kind = (typeof KINDS)[number];

/** The live index over one API server's RBAC objects. Use {@link policyIndexFor}. */
export class PolicyIndex {
  readonly clusterRoles = new Map<string, RoleObject>();
  /** `namespace/name` → Role. */
  readonly roles = new Map<string, RoleObject>();
  /** Subject key → ClusterRoleBindings naming it. */
  readonly clusterBindings: Buckets = new Map();
  /** Namespace → subject key → RoleBindings naming it. */
  readonly roleBindings = new Map<string, Buckets>();
  private readonly refsOf = new Map<string, { ref: BindingRef; keys: string[] }>();
  private aggregated = new Map<string, PolicyRule[]>();
  /** Bumped on every Role or ClusterRole change: bindings re-resolve their rules after it. */
  private gen = 0;
  private readonly caches = new Map<Kind, ResourceCache>();
  private readonly unwatch = new Map<Kind, () => void>();
  private readonly seen = new Map<Kind, number>();

  constructor(private readonly src: RbacSource) {
    for (const kind of KINDS) this.attach(kind);
  }

  /** Makes the index current: attaches caches registered since, and reloads any loaded without events. */
  refresh(): void {
    for (const kind of KINDS) {
      const rc = this.caches.get(kind);
      if (!rc) {
        if (this.src.storeFor(RBAC_GROUP, kind)) this.attach(kind);
      } else if (rc.entries.size !== this.seen.get(kind)) this.reload(kind, rc);
    }
  }

  /**
   * Re-reads which caches serve the RBAC resources (after a resource was re-registered). The RBAC
   * resources are built in and never replaced in practice, so decisions do not pay for this.
   */
  reattach(): void {
    for (const kind of KINDS) if (this.src.storeFor(RBAC_GROUP, kind)?.cache !== this.caches.get(kind)) this.attach(kind);
  }

  private attach(kind: Kind): void {
    const rc = this.src.storeFor(RBAC_GROUP, kind)?.cache;
    this.unwatch.get(kind)?.();
    this.unwatch.delete(kind);
    this.caches.delete(kind);
    this.clear(kind);
    if (!rc) return;
    this.caches.set(kind, rc);
    const stop = rc.watch(Number.MAX_SAFE_INTEGER, {
      deliver: (events) => {
        if (this.caches.get(kind) !== rc) return;
        try {
          for (const ev of events) this.apply(kind, ev);
          this.seen.set(kind, rc.entries.size);
        } catch {
          this.seen.set(kind, -1);
        }
      },
    });
    this.unwatch.set(kind, stop);
    this.reload(kind, rc);
  }

  private reload(kind: Kind, rc: ResourceCache): void {
    this.clear(kind);
    for (const e of rc.entries.values()) this.put(kind, e);
    this.seen.set(kind, rc.entries.size);
  }

  private clear(kind: Kind): void {
    this.gen++;
    if (kind === 'clusterroles') this.clusterRoles.clear();
    else if (kind === 'roles') this.roles.clear();
    else for (const [key, { ref }] of [...this.refsOf]) if (ref.kind === (kind === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding')) this.removeBinding(key);
    if (kind === 'clusterroles') this.aggregated = new Map();
  }

  private apply(kind: Kind, ev: CacheEvent): void {
    if (ev.type === 'DELETED') this.remove(kind, ev.entry);
    else this.put(kind, ev.entry);
  }

  private put(kind: Kind, e: CacheEntry): void {
    const obj = e.obj;
    const meta = obj.metadata ?? {};
    switch (kind) {
      case 'clusterroles':
        this.clusterRoles.set(meta.name ?? '', obj as RoleObject);
        this.aggregated = new Map();
        this.gen++;
        return;
      case 'roles':
        this.roles.set(`${meta.namespace ?? ''}/${meta.name ?? ''}`, obj as RoleObject);
        this.gen++;
        return;
      default:
        this.addBinding(e.key, kind === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding', obj as BindingObject);
    }
  }

  private remove(kind: Kind, e: CacheEntry): void {
    if (kind === 'clusterroles' || kind === 'roles') this.gen++;
    if (kind === 'clusterroles') {
      this.clusterRoles.delete(e.obj.metadata?.name ?? '');
      this.aggregated = new Map();
    } else if (kind === 'roles') this.roles.delete(`${e.obj.metadata?.namespace ?? ''}/${e.obj.metadata?.name ?? ''}`);
    else this.removeBinding(e.key);
  }

  private addBinding(cacheKey: string, kind: BindingRef['kind'], b: BindingObject): void {
    this.removeBinding(cacheKey);
    const namespace = kind === 'RoleBinding' ? (b.metadata?.namespace ?? '') : '';
    const subjects = (b.subjects ?? []).filter((s): s is Subject => !!s);
    const ref: BindingRef = { kind, name: b.metadata?.name ?? '', namespace, roleKind: b.roleRef?.kind ?? '', roleName: b.roleRef?.name ?? '', subjects };
    const keys = [...new Set(subjects.map((s) => subjectKey(s, namespace)).filter((k) => k !== ''))];
    let buckets = this.clusterBindings;
    if (kind === 'RoleBinding') {
      buckets = this.roleBindings.get(namespace) ?? new Map();
      this.roleBindings.set(namespace, buckets);
    }
    for (const k of keys) addRef(buckets, k, ref);
    this.refsOf.set(cacheKey, { ref, keys });
  }

  private removeBinding(cacheKey: string): void {
    const had = this.refsOf.get(cacheKey);
    if (!had) return;
    this.refsOf.delete(cacheKey);
    const buckets = had.ref.kind === 'ClusterRoleBinding' ? this.clusterBindings : this.roleBindings.get(had.ref.namespace);
    if (!buckets) return;
    for (const k of had.keys) {
      const s = buckets.get(k);
      s?.delete(had.ref);
      if (s && s.size === 0) buckets.delete(k);
    }
    if (had.ref.kind === 'RoleBinding' && buckets.size === 0) this.roleBindings.delete(had.ref.namespace);
  }

  /** The bindings that may apply to `user`: cluster-wide, then (with a namespace) in that namespace. */
  *bindingsFor(user: UserInfo, namespace: string): Generator<BindingRef> {
    const keys = userKeys(user);
    for (const k of keys) {
      const s = this.clusterBindings.get(k);
      if (s) yield* s;
    }
    if (!namespace) return;
    const ns = this.roleBindings.get(namespace);
    if (!ns) return;
    for (const k of keys) {
      const s = ns.get(k);
      if (s) yield* s;
    }
  }

  /**
   * The rules a binding grants, or the NotFound message of its missing role (worded as the
   * listers': `clusterrole.rbac.authorization.k8s.io "x" not found`).
   */
  rulesOf(b: BindingRef): PolicyRule[] | string {
    if (b.gen === this.gen) return b.rules!;
    b.rules = this.roleRules(b.roleKind, b.roleName, b.namespace, 'clusterrole', 'role');
    b.gen = this.gen;
    return b.rules;
  }

  /** GetRoleReferenceRules with messages in the given resource wording (listers: singular; registry: plural). */
  roleRules(kind: string, name: string, namespace: string, clusterWord = 'clusterroles', roleWord = 'roles'): PolicyRule[] | string {
    if (kind === 'ClusterRole') return this.clusterRoleRules(name) ?? `${clusterWord}.${RBAC_GROUP} "${name}" not found`;
    if (kind === 'Role') return this.roles.get(`${namespace}/${name}`)?.rules ?? (this.roles.has(`${namespace}/${name}`) ? [] : `${roleWord}.${RBAC_GROUP} "${name}" not found`);
    return `unsupported role reference kind: "${kind}"`;
  }

  /** A ClusterRole's rules, aggregated ones computed (see {@link effectiveClusterRoleRules}). */
  clusterRoleRules(name: string): PolicyRule[] | undefined {
    return effectiveClusterRoleRules(name, this.clusterRoles, this.aggregated);
  }

  /** RulesFor: every rule granted to `user` in `namespace` ('' = cluster-wide only), and the resolution errors. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors = new Set<string>();
    for (const b of new Set(this.bindingsFor(user, namespace))) {
      if (!b.subjects.some((s) => subjectApplies(s, user, b.namespace))) continue;
      const r = this.rulesOf(b);
      if (typeof r === 'string') errors.add(r);
      else rules.push(...r);
    }
    return { rules, errors: [...errors] };
  }
}

/**
 * A ClusterRole's rules; for an aggregated role, the union of the rules of every other
 * ClusterRole its selectors match (each rule once, in name order per selector), as the
 * clusterrole-aggregation controller writes them. Aggregated results are kept in `memo`.
 */
export function effectiveClusterRoleRules(name: string, roles: ReadonlyMap<string, RoleObject>, memo: Map<string, PolicyRule[]> = new Map(), visiting: Set<string> = new Set()): PolicyRule[] | undefined {
  const role = roles.get(name);
  if (!role) return undefined;
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []) as MetaLabelSelector[];
  if (!role.aggregationRule || selectors.length === 0 || visiting.has(name)) return role.rules ?? [];
  const known = memo.get(name);
  if (known) return known;
  visiting.add(name);
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  const names = [...roles.keys()].sort();
  for (const sel of selectors.map(toSelector)) {
    for (const other of names) {
      if (other === name || !matches(sel, roles.get(other)!.metadata?.labels)) continue;
      for (const r of effectiveClusterRoleRules(other, roles, memo, visiting) ?? []) {
        const k = JSON.stringify(r);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
      }
    }
  }
  visiting.delete(name);
  memo.set(name, out);
  return out;
}

function toSelector(s: MetaLabelSelector): LabelSelector {
  try {
    return selectorFromLabelSelector(s);
  } catch {
    return NOTHING;
  }
}

const indexes = new WeakMap<RbacSource, PolicyIndex>();

/** The (shared, live) index of an API server's RBAC objects; authorizer and escalation check use the same one. */
export function policyIndexFor(src: RbacSource): PolicyIndex {
  let idx = indexes.get(src);
  if (!idx) indexes.set(src, (idx = new PolicyIndex(src)));
  else idx.refresh();
  return idx;
}
