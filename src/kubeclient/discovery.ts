/**
 * Discovery for controllers: the served resources with their verbs and scope (aggregated
 * discovery v2 from `/api` and `/apis`, falling back to the legacy per-group-version lists), and a
 * REST mapper from apiVersion+kind to resource, as client-go's discovery + RESTMapper give
 * kube-controller-manager.
 */
import type { KubeClient } from './client.js';
import { parseApiVersion } from './types.js';

/** One top-level resource (no subresources) in one group/version. */
export interface ApiResourceInfo {
  group: string;
  version: string;
  /** Plural, the URL segment. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** True for the group's preferred (first) version. */
  preferred: boolean;
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface AggregatedList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version: string; resources?: { resource: string; scope?: string; verbs?: string[]; responseKind?: { kind?: string } }[] }[] }[];
}

interface LegacyResourceList {
  resources?: { name: string; namespaced: boolean; kind: string; verbs?: string[] }[];
}

/** Every top-level resource the server serves, in preference order. */
export async function discoverResources(client: KubeClient): Promise<ApiResourceInfo[]> {
  const out: ApiResourceInfo[] = [];
  for (const path of ['/api', '/apis']) {
    const doc = await client.raw<AggregatedList & { versions?: string[]; groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[] }>({ method: 'GET', path, accept: AGGREGATED });
    if (doc.kind === 'APIGroupDiscoveryList') {
      for (const g of doc.items ?? []) {
        (g.versions ?? []).forEach((v, i) => {
          for (const r of v.resources ?? [])
            out.push({ group: g.metadata?.name ?? '', version: v.version, resource: r.resource, kind: r.responseKind?.kind ?? '', namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [], preferred: i === 0 });
        });
      }
      continue;
    }
    // Legacy discovery: APIVersions at /api, APIGroupList at /apis, then one list per group version.
    const gvs: { group: string; version: string; preferred: boolean }[] = path === '/api'
      ? (doc.versions ?? []).map((v, i) => ({ group: '', version: v, preferred: i === 0 }))
      : (doc.groups ?? []).flatMap((g) => g.versions.map((v, i) => ({ group: g.name, version: v.version, preferred: g.preferredVersion ? g.preferredVersion.version === v.version : i === 0 })));
    for (const gv of gvs) {
      const list = await client.raw<LegacyResourceList>({ method: 'GET', path: gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}` });
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue;
        out.push({ ...gv, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] });
      }
    }
  }
  return out;
}

/** Maps apiVersion+kind (as in ownerReferences) to the resource serving it. */
export class RestMapper {
  private readonly byGvk = new Map<string, ApiResourceInfo>();
  private readonly byGk = new Map<string, ApiResourceInfo>();

  constructor(readonly resources: ApiResourceInfo[]) {
    for (const r of resources) {
      this.byGvk.set(`${r.group}/${r.version}/${r.kind}`, r);
      const gk = `${r.group}/${r.kind}`;
      if (!this.byGk.has(gk) || r.preferred) this.byGk.set(gk, r);
    }
  }

  /** The resource for `apiVersion`/`kind`: that exact version when served, else the group's preferred one. */
  resourceFor(apiVersion: string, kind: string): ApiResourceInfo | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.byGvk.get(`${group}/${version}/${kind}`) ?? this.byGk.get(`${group}/${kind}`);
  }
}

/** True when the resource serves every one of `verbs`. */
export function supports(r: ApiResourceInfo, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

/** The preferred version of each resource only (what controllers operate on). */
export function preferredResources(all: ApiResourceInfo[]): ApiResourceInfo[] {
  return all.filter((r) => r.preferred);
}
