/**
 * The node authorizer, as plugin/pkg/auth/authorizer/node (Kubernetes 1.32, AuthorizeNodeWithSelectors
 * on): a kubelet (`system:node:<name>` in group `system:nodes`) may read only what its own pods
 * need — their secrets, configmaps, claims, volumes, service-account tokens — read its own Node,
 * list pods only with `spec.nodeName=<itself>`, use its Lease in kube-node-lease, and otherwise
 * what the `system:node` ClusterRole's rules allow. Requests from anyone else get no opinion.
 *
 * Upstream leaves writes to the NodeRestriction admission plugin (a node may update only its own
 * Node and the pods bound to it). Until that plugin is wired, `restrictWrites` (default on) makes
 * this authorizer refuse those writes itself when the target is known.
 */
import type { UserInfo } from '../../endpoints/types.js';
import type { RulesAnswer } from '../../registry/authorization/reviews.js';
import type { RbacLookup } from '../rbac/policy-index.js';
import { NODE_RULES } from '../rbac/bootstrap.js';
import { rulesAllow } from '../rbac/rules.js';
import type { Decision } from '../types.js';
import type { SelectorAttributes } from '../union.js';
import { NodeGraph, pvSecrets } from './graph.js';

/** Options of {@link nodeAuthorizer}. */
export interface NodeAuthorizerOptions {
  /** AuthorizeNodeWithSelectors (default true, as 1.32): nodes read only their own Node and list pods by spec.nodeName. */
  selectors?: boolean;
  /** Refuse a node's writes to other nodes' Node objects and pods (NodeRestriction's job upstream; default true). */
  restrictWrites?: boolean;
}

/** The node authorizer plus its rules answer (nodes' rules are not enumerable, as upstream). */
export interface NodeAuthorizer {
  (attrs: SelectorAttributes): Promise<Decision>;
  decide(attrs: SelectorAttributes): Decision;
  rulesFor(user: UserInfo, namespace: string): Promise<RulesAnswer>;
}

const NODE_PREFIX = 'system:node:';

/** NodeIdentity: the node name of a kubelet's user, or undefined when the user is no node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_PREFIX) || !user.groups.includes('system:nodes')) return undefined;
  return user.name.slice(NODE_PREFIX.length);
}

const ALLOW: Decision = { allowed: true };
const no = (reason?: string): Decision => (reason ? { allowed: false, reason } : { allowed: false });

/** `spec.nodeName=n` (or `==`) among the comma-separated requirements of a field selector. */
function selects(selector: string | undefined, field: string, value: string): boolean {
  if (!selector) return false;
  return selector.split(',').some((req) => {
    const m = /^\s*([^=!\s]+)\s*==?\s*(.*?)\s*$/.exec(req);
    return !!m && m[1] === field && m[2] === value;
  });
}

/** Builds the node authorizer over the API server `lookup` returns (its watch caches). */
export function nodeAuthorizer(lookup: RbacLookup, opts: NodeAuthorizerOptions = {}): NodeAuthorizer {
  const selectorsOn = opts.selectors ?? true;
  const restrict = opts.restrictWrites ?? true;
  const graphs = new WeakMap<object, NodeGraph>();
  const graphOf = (): NodeGraph | undefined => {
    const src = lookup();
    if (!src) return undefined;
    let g = graphs.get(src);
    if (!g) graphs.set(src, (g = new NodeGraph(src)));
    return g;
  };
  const noRelation = (node: string) => no(`no relationship found between node '${node}' and this object`);

  /** hasPathFrom: whether the object is reachable from the node's pods. */
  const related = (node: string, kind: 'secrets' | 'configmaps' | 'pvcs' | 'pvs' | 'pods' | 'serviceaccounts' | 'resourceclaims' | 'volumeattachments', ns: string, name: string): boolean => {
    const g = graphOf();
    if (!g) return false;
    const key = `${ns}/${name}`;
    switch (kind) {
      case 'pvs':
        return g.pvsOf(node).includes(name);
      case 'volumeattachments':
        return (g.get('storage.k8s.io', 'volumeattachments', '', name) as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName === node;
      case 'configmaps': {
        if (g.refsOf(node).configmaps.has(key)) return true;
        const src = (g.get('', 'nodes', '', node) as { spec?: { configSource?: { configMap?: { namespace?: string; name?: string } } } } | undefined)?.spec?.configSource?.configMap;
        return src?.namespace === ns && src.name === name;
      }
      case 'secrets': {
        if (g.refsOf(node).secrets.has(key)) return true;
        return g.pvsOf(node).some((pv) => {
          const obj = g.get('', 'persistentvolumes', '', pv);
          return !!obj && pvSecrets(obj).includes(key);
        });
      }
      default:
        return g.refsOf(node)[kind].has(key);
    }
  };

  const authorize = (node: string, kind: Parameters<typeof related>[1], a: SelectorAttributes): Decision => {
    if (!a.name) return no('No Object name found');
    return related(node, kind, a.namespace ?? '', a.name) ? ALLOW : noRelation(node);
  };
  const authorizeGet = (node: string, kind: Parameters<typeof related>[1], a: SelectorAttributes): Decision => {
    if (a.verb !== 'get') return no('can only get individual resources of this type');
    if (a.subresource) return no('cannot get subresource');
    return authorize(node, kind, a);
  };
  const authorizeRead = (node: string, kind: 'secrets' | 'configmaps', a: SelectorAttributes): Decision => {
    if (a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch') return no('can only read resources of this type');
    if (a.subresource) return no('cannot read subresource');
    if (!a.namespace) return no('can only read namespaced object of this type');
    return authorize(node, kind, a);
  };
  const nameMatches = (node: string, a: SelectorAttributes, what: string): Decision | undefined => {
    if (a.verb !== 'create' && a.name !== node) return no(`can only access ${what} with the same name as the requesting node`);
    return undefined;
  };

  const authorizeNode = (node: string, a: SelectorAttributes): Decision => {
    if (!a.subresource) {
      if (a.verb === 'create' || a.verb === 'update' || a.verb === 'patch') {
        if (restrict && a.verb !== 'create' && a.name && a.name !== node) return no(`node '${node}' cannot modify node '${a.name}'`);
        return ALLOW;
      }
      if (a.verb === 'get' || a.verb === 'list' || a.verb === 'watch') {
        const name = a.name || (selects(a.fieldSelector, 'metadata.name', node) ? node : '');
        if (name === node) return ALLOW;
        return no(name ? `node '${node}' cannot read '${name}', only its own Node object` : `node '${node}' cannot read all nodes, only its own Node object`);
      }
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) {
      if (restrict && a.name && a.name !== node) return no(`node '${node}' cannot modify node '${a.name}'`);
      return ALLOW;
    }
    return no();
  };

  /** NodeRestriction's pod checks when restricting writes: the pod must exist and be bound to the node. */
  const ownPod = (node: string, a: SelectorAttributes): Decision => {
    if (!restrict || !a.name) return ALLOW;
    const pod = graphOf()?.get('', 'pods', a.namespace ?? '', a.name) as { spec?: { nodeName?: string } } | undefined;
    if (!pod) return ALLOW;
    return pod.spec?.nodeName === node ? ALLOW : no(`node '${node}' can only modify pods bound to itself`);
  };

  const authorizePod = (node: string, a: SelectorAttributes): Decision => {
    if (!a.subresource) {
      if (a.verb === 'get') return authorizeGet(node, 'pods', a);
      if (a.verb === 'list' || a.verb === 'watch') {
        if (selects(a.fieldSelector, 'spec.nodeName', node)) return ALLOW;
        if (a.name) return authorize(node, 'pods', a);
        return no('can only list/watch pods with spec.nodeName field selector');
      }
      if (a.verb === 'create') return ALLOW;
      if (a.verb === 'delete') return ownPod(node, a);
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return ownPod(node, a);
    else if (a.subresource === 'eviction' && a.verb === 'create') return ownPod(node, a);
    return no();
  };

  const decide = (a: SelectorAttributes): Decision => {
    const node = nodeIdentity(a.user);
    if (node === undefined) return no();
    if (!node) return no(`unknown node for user ${JSON.stringify(a.user.name)}`);
    if (a.isResourceRequest) {
      switch (`${a.apiGroup}/${a.resource}`) {
        case '/secrets':
          return authorizeRead(node, 'secrets', a);
        case '/configmaps':
          return authorizeRead(node, 'configmaps', a);
        case '/persistentvolumeclaims':
          if (a.subresource === 'status') return a.verb === 'update' || a.verb === 'patch' ? authorize(node, 'pvcs', a) : no('can only get/update/patch this type');
          return authorizeGet(node, 'pvcs', a);
        case '/persistentvolumes':
          return authorizeGet(node, 'pvs', a);
        case 'resource.k8s.io/resourceclaims':
          return authorizeGet(node, 'resourceclaims', a);
        case 'storage.k8s.io/volumeattachments':
          return authorizeGet(node, 'volumeattachments', a);
        case '/serviceaccounts':
          if (a.verb !== 'create' || !a.name) return no('can only create tokens for individual service accounts');
          if (a.subresource !== 'token') return no('can only create token subresource of serviceaccount');
          return related(node, 'serviceaccounts', a.namespace ?? '', a.name) ? ALLOW : noRelation(node);
        case 'coordination.k8s.io/leases':
          if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return no('can only get, create, update, patch, or delete a node lease');
          if (a.namespace !== 'kube-node-lease') return no('can only access leases in the "kube-node-lease" system namespace');
          return nameMatches(node, a, 'node lease') ?? ALLOW;
        case 'storage.k8s.io/csinodes':
          if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return no('can only get, create, update, patch, or delete a CSINode');
          if (a.subresource) return no('cannot authorize CSINode subresources');
          return nameMatches(node, a, 'CSINode') ?? ALLOW;
        case '/nodes':
          if (selectorsOn) return authorizeNode(node, a);
          break;
        case '/pods':
          if (selectorsOn) return authorizePod(node, a);
          break;
      }
    }
    return rulesAllow(a, NODE_RULES) ? ALLOW : no();
  };

  const fn = (async (a: SelectorAttributes) => decide(a)) as NodeAuthorizer;
  fn.decide = decide;
  fn.rulesFor = async (user) =>
    nodeIdentity(user) !== undefined
      ? { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' }
      : { resourceRules: [], nonResourceRules: [], incomplete: false };
  return fn;
}
