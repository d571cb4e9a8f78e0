/**
 * One Kubernetes API server over a store: the watch cache, a generic store per resource, and the
 * dispatcher from an ApiRequest to discovery, OpenAPI, /version, health and resource handlers.
 * Errors of any kind leave here as `Status` objects (`toStatusError`); unknown ones are logged.
 */
import { StatusError, toStatusError } from '../apimachinery/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';
import { allowAll, type Admission, type AuthorizationAttributes, type Authorizer } from './auth/types.js';
import { forbiddenFor } from './auth/forbidden.js';
import { impersonate, isImpersonationHeader } from './auth/impersonation.js';
import { ClusterCache } from './cache/cluster-cache.js';
import { uniqueKeyReader, type JsonFieldReader } from './cache/resource-cache.js';
import { CrdServing } from './crd-serving.js';
import { AGGREGATED_V2, AGGREGATED_V2BETA1, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { parseRequestInfo } from './endpoints/request-info.js';
import { handleResource, json, type HandlerEnv } from './endpoints/resource-handlers.js';
import type { ApiRequest, ApiResponse } from './endpoints/types.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { openapiV2Response } from './openapi-v2.js';
import { GenericStore } from './registry/generic-store.js';
import { handlePodProxySubresource, POD_PROXY_SUBRESOURCES, type PodLogProvider } from './registry/core/pod-log.js';
import { groupVersion, type ResourceDef } from './registry/resource.js';

/** What `/version` answers; EKS reports e.g. minor "32+" and gitVersion "v1.32.9-eks-…". */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ApiServerOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  resources: ResourceDef[];
  version: VersionInfo;
  /** Key prefix of this cluster's objects in the store (default '/registry/'). */
  keyPrefix?: string;
  /** host:port clients reach this server at (for legacy discovery). */
  serverAddress?: string;
  /** Decides every request (default: allow all, the standalone admin-only server). */
  authorize?: Authorizer;
  /** The admission chain every write by a client passes (default: none). */
  admission?: Admission;
  /** Declares field indexes per resource (`group/plural` → field paths) for the watch cache. */
  indexes?: Record<string, string[]>;
  /** Reads container logs on the pod's node for pods/log (the server wires the simulated kubelets). */
  podLogs?: PodLogProvider;
}

const NOT_FOUND = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

export class ApiServer {
  readonly cache: ClusterCache;
  private readonly stores = new Map<string, GenericStore>();
  private readonly byResource = new Map<string, GenericStore>();
  private readonly env: HandlerEnv;
  private readonly openapiDocs = new Map<string, string>();
  private ready = false;
  /** The pods/log provider; may be set after construction, once the kubelets exist. */
  podLogs: PodLogProvider | undefined;

  constructor(private readonly opts: ApiServerOptions) {
    this.cache = new ClusterCache(opts.store, opts.keyPrefix ?? '/registry/', opts.log, (err) => {
      opts.log.error({ err }, 'watch cache failed; the API server is not ready');
      this.ready = false;
    });
    for (const def of opts.resources) this.register(def);
    this.crds = new CrdServing(this, opts.log);
    this.podLogs = opts.podLogs;
    this.env = { store: opts.store, cache: this.cache, clock: opts.clock, storeFor: (g, p) => this.stores.get(`${g}/${p}`) };
  }

  /** The clock this server stamps objects with. */
  get clock(): Clock {
    return this.opts.clock;
  }

  /** The resources served now, in discovery order. */
  get resources(): ResourceDef[] {
    return this.defs;
  }

  private readonly defs: ResourceDef[] = [];

  /** Starts serving a resource (e.g. a custom resource once its CRD is established). */
  register(def: ResourceDef): GenericStore {
    this.unregister(def.group, def.version, def.plural);
    const gs = new GenericStore(def, this.opts.store, this.cache, this.opts.clock, this.opts.admission);
    if (!this.stores.has(`${def.group}/${def.plural}`)) this.stores.set(`${def.group}/${def.plural}`, gs);
    this.byResource.set(`${groupVersion(def)}/${def.plural}`, gs);
    this.defs.push(def);
    this.openapiDocs.clear();
    return gs;
  }

  /** Stops serving a resource version; its stored objects stay until deleted. */
  unregister(group: string, version: string, plural: string): void {
    const gs = this.byResource.get(`${group ? `${group}/` : ''}${version}/${plural}`);
    if (!gs) return;
    this.byResource.delete(`${groupVersion(gs.def)}/${plural}`);
    this.defs.splice(this.defs.indexOf(gs.def), 1);
    if (this.stores.get(`${group}/${plural}`) === gs) {
      this.stores.delete(`${group}/${plural}`);
      const other = [...this.byResource.values()].find((x) => x.def.group === group && x.def.plural === plural);
      if (other) this.stores.set(`${group}/${plural}`, other);
    }
    this.openapiDocs.clear();
  }

  /** Loads the cache; the server answers /readyz ok afterwards. */
  async start(): Promise<void> {
    await this.cache.start();
    for (const [res, fields] of Object.entries(this.opts.indexes ?? {})) {
      const gs = this.stores.get(res);
      if (!gs) continue;
      for (const f of fields) {
        const get = gs.def.selectableFields?.[f];
        if (get) gs.cache.addIndex(f, get, FAST_READERS[`${res}#${f}`]);
      }
    }
    this.crds.start();
    this.ready = true;
  }

  private readonly crds: CrdServing;

  stop(): void {
    this.ready = false;
    this.crds.stop();
    this.cache.stop();
  }

  /** The generic store of a resource, for in-process wiring (e.g. tests, bootstrap objects). */
  storeFor(group: string, plural: string): GenericStore | undefined {
    return this.stores.get(`${group}/${plural}`);
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      if (Object.keys(req.headers).some(isImpersonationHeader)) req = { ...req, user: await impersonate(req.headers, req.user, this.opts.authorize ?? allowAll) };
      return await this.dispatch(req);
    } catch (err) {
      const st = toStatusError(err);
      if (st.code >= 500 && !(err instanceof StatusError)) this.opts.log.error({ err, verb: req.method, path: req.path }, 'request failed');
      const headers: Record<string, string | string[]> = {};
      if (st.details?.retryAfterSeconds) headers['retry-after'] = String(st.details.retryAfterSeconds);
      return json(st.code, st.toStatus(), headers);
    }
  }

  private async dispatch(req: ApiRequest): Promise<ApiResponse> {
    const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
    if (!isResourcePath(path) && !PUBLIC_PATHS.has(path))
      await this.authorizeRequest(req, { user: req.user, verb: req.method.toLowerCase(), isResourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '' });
    switch (path) {
      case '/version':
        return json(200, this.opts.version);
      case '/healthz':
      case '/livez':
      case '/readyz':
        return this.ready || path === '/livez' ? text(200, 'ok') : text(500, `[-]informer-sync failed: reason withheld\n${path.slice(1)} check failed`);
      case '/api':
      case '/apis': {
        const agg = wantsAggregated(req.headers.accept);
        if (agg) {
          const doc = aggregatedDiscovery(this.defs, path === '/api') as { apiVersion: string };
          if (agg === 'v2beta1') doc.apiVersion = 'apidiscovery.k8s.io/v2beta1';
          return { status: 200, headers: { 'content-type': agg === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1, vary: 'Accept' }, body: JSON.stringify(doc) };
        }
        return json(200, path === '/api' ? apiVersions(this.opts.serverAddress ?? '127.0.0.1:443') : apiGroupList(this.defs), { vary: 'Accept' });
      }
      case '/openapi/v3':
        return json(200, openapiIndex(this.defs, (gv) => this.openapiDoc(gv)));
      case '/openapi/v2':
        return openapiV2Response(this.defs, req.headers.accept);
    }
    if (path.startsWith('/openapi/v3/')) {
      const gv = path.slice('/openapi/v3/'.length).replace(/^apis?\//, '');
      if (!this.defs.some((d) => groupVersion(d) === gv)) throw NOT_FOUND();
      return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, immutable' }, body: this.openapiDoc(gv) };
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroup(this.defs, parts[1]!);
      if (!g) throw NOT_FOUND();
      return json(200, g);
    }
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1]!] : [parts[1]!, parts[2]!];
      const list = apiResourceList(this.defs, group, version);
      if (!list) throw NOT_FOUND();
      return json(200, list);
    }
    const info = parseRequestInfo(req.method, path, req.query);
    if (!info.isResource) {
      if (info.verb === 'invalid-path') throw NOT_FOUND();
      return text(404, '404 page not found\n');
    }
    const gs = this.byResource.get(`${info.group ? `${info.group}/` : ''}${info.version}/${info.resource}`);
    const fieldSelector = req.query.get('fieldSelector') ?? undefined;
    // As upstream: a list or watch of one name (metadata.name=x) is authorized as that name, and a
    // namespace object as living in itself.
    const byName = !info.name && (info.verb === 'list' || info.verb === 'watch') ? /(?:^|,)metadata\.name==?([^,]+)/.exec(fieldSelector ?? '')?.[1] : undefined;
    const name = info.name ?? byName;
    const namespace = info.namespace ?? (info.resource === 'namespaces' && info.group === '' ? info.name : undefined);
    await this.authorizeRequest(req, { user: req.user, verb: info.verb, isResourceRequest: true, path, apiGroup: info.group, apiVersion: info.version, resource: info.resource, subresource: info.subresource, namespace, name, fieldSelector });
    if (!gs) throw NOT_FOUND();
    if (!this.ready) throw new StatusError(503, 'ServiceUnavailable', 'the API server is starting');
    if (gs.def.group === '' && gs.def.plural === 'pods' && info.name && info.namespace && info.subresource && POD_PROXY_SUBRESOURCES.has(info.subresource))
      return handlePodProxySubresource(gs, info.namespace, info.name, info.subresource, req, this.podLogs);
    return handleResource(this.env, gs, info, req);
  }

  /** 403 with kube-apiserver's wording unless the authorizer allows the request. */
  private async authorizeRequest(req: ApiRequest, attrs: AuthorizationAttributes): Promise<void> {
    const d = await (this.opts.authorize ?? allowAll)(attrs);
    if (d.allowed) return;
    throw forbiddenFor(attrs, d.reason);
  }

  private openapiDoc(gv: string): string {
    let doc = this.openapiDocs.get(gv);
    if (!doc) {
      const [group, version] = gv.includes('/') ? gv.split('/') as [string, string] : ['', gv];
      doc = JSON.stringify(openapiDocument(this.defs, group, version));
      this.openapiDocs.set(gv, doc);
    }
    return doc;
  }
}

/** Index fields readable from the JSON without parsing (the key occurs once in these kinds). */
const FAST_READERS: Record<string, JsonFieldReader> = { '/pods#spec.nodeName': uniqueKeyReader('nodeName') };

/** Paths anyone may read (upstream's system:public-info-viewer). */
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function isResourcePath(path: string): boolean {
  const parts = path.split('/').filter(Boolean);
  return (parts[0] === 'api' && parts.length >= 3) || (parts[0] === 'apis' && parts.length >= 4);
}

function text(status: number, body: string): ApiResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
