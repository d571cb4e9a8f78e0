/**
 * A small typed Kubernetes client over a KubeTransport: the REST verbs by resource reference
 * (group, version, resource, namespace, name), with non-2xx answers thrown as KubeApiError. It is
 * the dynamic client of client-go in spirit: resource-blind, JSON in and out.
 */
import { KubeApiError } from './errors.js';
import type { KubeTransport, TransportRequest, WatchEvent } from './transport.js';
import type { KubeList, KubeObject, ResourceRef } from './types.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

/** merge: application/merge-patch+json; json: RFC 6902; strategic; apply (server-side apply, needs fieldManager). */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** The REST path of a resource reference: `/api/v1/namespaces/ns/pods/name/status`. */
export function resourcePath(ref: ResourceRef): string {
  let p = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespace !== undefined) p += `/namespaces/${encodeURIComponent(ref.namespace)}`;
  p += `/${ref.resource}`;
  if (ref.name !== undefined) p += `/${encodeURIComponent(ref.name)}`;
  if (ref.subresource) p += `/${ref.subresource}`;
  return p;
}

function query(o: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') q[k] = String(v);
  return q;
}

function writeQuery(o: WriteOptions | undefined): Record<string, string> {
  return query({ dryRun: o?.dryRun ? 'All' : undefined, fieldManager: o?.fieldManager });
}

export class KubeClient {
  constructor(readonly transport: KubeTransport) {}

  /** Sends a request and returns the parsed body of a 2xx answer; throws KubeApiError otherwise. */
  async raw<T = unknown>(r: TransportRequest): Promise<T> {
    const res = await this.transport.request(r);
    if (res.status < 200 || res.status > 299) throw KubeApiError.from(res.status, res.body);
    return res.body as T;
  }

  get<T extends KubeObject = KubeObject>(ref: ResourceRef): Promise<T> {
    return this.raw<T>({ method: 'GET', path: resourcePath(ref) });
  }

  /** One page (or all, without `limit`) of a collection; `ref.namespace` undefined lists across namespaces. */
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.raw<KubeList<T>>({ method: 'GET', path: resourcePath({ ...ref, name: undefined }), query: query({ ...opts }) });
  }

  /** Every page of a list, followed through continue tokens; the result carries the snapshot's resourceVersion. */
  async listAll<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: Omit<ListOptions, 'continue'> & { limit?: number } = {}): Promise<KubeList<T>> {
    let items: T[] | undefined;
    let cont: string | undefined;
    let last: KubeList<T>;
    do {
      last = await this.list<T>(ref, cont ? { ...opts, resourceVersion: undefined, resourceVersionMatch: undefined, continue: cont } : opts);
      // The first page's array is kept as is; later pages are appended one by one (a spread of
      // 100k items overflows the call stack).
      if (items === undefined) items = last.items ?? [];
      else for (const item of last.items ?? []) items.push(item);
      cont = last.metadata?.continue || undefined;
    } while (cont);
    return { ...last, metadata: { resourceVersion: last.metadata?.resourceVersion }, items };
  }

  /**
   * POST to the collection (the object's namespace is `ref.namespace`), or with a `subresource`
   * to that subresource of `ref.name` (pods/binding, pods/eviction, serviceaccounts/token).
   */
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: NoInfer<T>, opts?: WriteOptions): Promise<T> {
    return this.raw<T>({ method: 'POST', path: resourcePath(ref.subresource ? ref : { ...ref, name: undefined }), query: writeQuery(opts), body: obj });
  }

  /** PUT of the whole object; `ref.name` defaults to the object's name. A resourceVersion in it makes the write conditional. */
  update<T extends KubeObject = KubeObject>(ref: ResourceRef, obj: NoInfer<T>, opts?: WriteOptions): Promise<T> {
    const name = ref.name ?? obj.metadata?.name;
    return this.raw<T>({ method: 'PUT', path: resourcePath({ ...ref, name }), query: writeQuery(opts), body: obj });
  }

  patch<T extends KubeObject = KubeObject>(ref: ResourceRef, patch: unknown, type: PatchType = 'merge', opts?: WriteOptions & { force?: boolean }): Promise<T> {
    return this.raw<T>({
      method: 'PATCH',
      path: resourcePath(ref),
      query: { ...writeQuery(opts), ...query({ force: opts?.force }) },
      body: patch,
      contentType: PATCH_TYPES[type],
    });
  }

  /** DELETE with DeleteOptions; returns what the server answered (the object, or a Status). */
  delete(ref: ResourceRef, opts: DeleteOptions = {}): Promise<KubeObject> {
    return this.raw<KubeObject>({ method: 'DELETE', path: resourcePath(ref), query: writeQuery(opts), body: deleteBody(opts) });
  }

  /** DELETE on a collection, optionally narrowed by selectors. */
  deleteCollection(ref: ResourceRef, opts: DeleteOptions & Pick<ListOptions, 'labelSelector' | 'fieldSelector'> = {}): Promise<KubeObject> {
    return this.raw<KubeObject>({
      method: 'DELETE',
      path: resourcePath({ ...ref, name: undefined }),
      query: { ...writeQuery(opts), ...query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }) },
      body: deleteBody(opts),
    });
  }

  /**
   * Watches a collection (or, with `ref.name`, one object through a metadata.name field selector).
   * Resolves when the stream ends; see KubeTransport.watch.
   */
  watch(ref: ResourceRef, opts: WatchOptions, onEvent: (ev: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const fieldSelector = ref.name !== undefined ? [`metadata.name=${ref.name}`, opts.fieldSelector].filter(Boolean).join(',') : opts.fieldSelector;
    const q = query({
      labelSelector: opts.labelSelector,
      fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: opts.timeoutSeconds,
    });
    return this.transport.watch(resourcePath({ ...ref, name: undefined }), q, onEvent, signal);
  }
}

function deleteBody(o: DeleteOptions): object {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  return body;
}
