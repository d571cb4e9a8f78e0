/**
 * API discovery built from the resource table: the aggregated v2 documents kubectl 1.32 asks for
 * (`/api`, `/apis` with `as=APIGroupDiscoveryList`), and the legacy APIVersions, APIGroupList and
 * per-version APIResourceList that `auth can-i` and client libraries still fetch
 * (shared/research/kube-api.md §1.1). Group order is the resource table's; versions go by
 * Kubernetes' version priority, the first preferred.
 */
import { createHash } from 'node:crypto';
import { compareKubeVersions } from './registry/apiextensions/version-priority.js';
import { ALL_VERBS, groupVersion, type ResourceDef } from './registry/resource.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Which aggregated discovery version an Accept header asks for first, if any. */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part + ';')) return 'v2';
  }
  return undefined;
}

interface GroupInfo {
  name: string;
  versions: { version: string; defs: ResourceDef[] }[];
}

function groups(defs: ResourceDef[]): GroupInfo[] {
  const out: GroupInfo[] = [];
  for (const d of defs) {
    let g = out.find((x) => x.name === d.group);
    if (!g) out.push((g = { name: d.group, versions: [] }));
    let v = g.versions.find((x) => x.version === d.version);
    if (!v) g.versions.push((v = { version: d.version, defs: [] }));
    v.defs.push(d);
  }
  // Versions in Kubernetes' priority order, as upstream sorts each group's (CRDs of one group merge).
  for (const g of out) g.versions.sort((a, b) => compareKubeVersions(a.version, b.version));
  return out;
}

function subresourceVerbs(d: ResourceDef): { sub: string; kind: { group: string; version: string; kind: string }; verbs: string[] }[] {
  const out = [];
  if (d.subresources?.status) out.push({ sub: 'status', kind: { group: d.group, version: d.version, kind: d.kind }, verbs: ['get', 'patch', 'update'] });
  if (d.subresources?.scale) out.push({ sub: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  for (const [sub, kind] of Object.entries(d.subresourceKinds ?? {})) out.push({ sub, kind: { group: kind.group, version: kind.version, kind: kind.kind }, verbs: ['create'] });
  for (const sub of Object.keys(d.strategy.subresourceUpdates ?? {})) {
    // binding is created with POST; the others (finalize, approval) are written with PUT.
    const binding = sub === 'binding';
    out.push({ sub, kind: { group: d.group, version: d.version, kind: binding ? 'Binding' : d.kind }, verbs: binding ? ['create'] : sub === 'finalize' ? ['update'] : ['get', 'patch', 'update'] });
  }
  return out;
}

/** The aggregated discovery document for `/api` (core) or `/apis` (every named group). */
export function aggregatedDiscovery(defs: ResourceDef[], core: boolean): object {
  const items = groups(defs)
    .filter((g) => (g.name === '') === core)
    .map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v.version,
        freshness: 'Current',
        resources: v.defs.map((d) => ({
          resource: d.plural,
          responseKind: { group: d.group, version: d.version, kind: d.kind },
          scope: d.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: d.singular,
          verbs: d.verbs ?? ALL_VERBS,
          ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
          ...(d.categories?.length ? { categories: d.categories } : {}),
          ...(subresourceVerbs(d).length
            ? { subresources: subresourceVerbs(d).map((s) => ({ subresource: s.sub, responseKind: s.kind, verbs: s.verbs })) }
            : {}),
        })),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** `/api` in the legacy form. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDoc(g: GroupInfo): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v.version}`, version: v.version }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** `/apis` in the legacy form. */
export function apiGroupList(defs: ResourceDef[]): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(defs).filter((g) => g.name !== '').map(groupDoc) };
}

/** `/apis/<group>`, or undefined for an unknown group. */
export function apiGroup(defs: ResourceDef[], name: string): object | undefined {
  const g = groups(defs).find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export function apiResourceList(defs: ResourceDef[], group: string, version: string): object | undefined {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  if (!mine.length) return undefined;
  const resources: object[] = [];
  for (const d of mine) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs ?? ALL_VERBS,
      ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories?.length ? { categories: d.categories } : {}),
      storageVersionHash: createHash('sha256').update(`${groupVersion(d)}/${d.kind}`).digest('base64').slice(0, 11),
    });
    for (const s of subresourceVerbs(d))
      resources.push({ name: `${d.plural}/${s.sub}`, singularName: '', namespaced: d.namespaced, ...(s.kind.group !== d.group || s.kind.version !== d.version ? { group: s.kind.group, version: s.kind.version } : {}), kind: s.kind.kind, verbs: s.verbs });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
