/**
 * What a request is about, read from its path and method as upstream's RequestInfoFactory does:
 * `/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments`, the legacy
 * `/api/v1/watch/...` form, and namespace subresources (`/namespaces/x/status|finalize`).
 */
export interface RequestInfo {
  /** A request for a resource (as opposed to discovery, /version, /healthz …). */
  isResource: boolean;
  /** get list watch create update patch delete deletecollection, or the HTTP method lower-cased for non-resource requests. */
  verb: string;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(safeDecode);
  const nonResource: RequestInfo = { isResource: false, verb: method.toLowerCase(), group: '', version: '', resource: '' };
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const info: RequestInfo = { isResource: true, verb: '', group, version, resource: '' };
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  if (rest.length >= 2) info.name = rest[1];
  if (rest.length >= 3) info.subresource = rest[2];
  if (info.resource === 'namespaces' && info.namespace !== undefined && rest[0] === 'namespaces') {
    // /api/v1/namespaces/x is the namespace object x itself, not a namespace scope.
    info.name = info.namespace;
    info.namespace = undefined;
  }
  if (rest.length > 3) {
    info.isResource = false;
    return { ...nonResource, verb: 'invalid-path' };
  }
  const m = method.toUpperCase();
  const isWatch = watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  if (m === 'GET' || m === 'HEAD') info.verb = info.name ? (isWatch ? 'watch' : 'get') : isWatch ? 'watch' : 'list';
  else if (m === 'POST') info.verb = 'create';
  else if (m === 'PUT') info.verb = 'update';
  else if (m === 'PATCH') info.verb = 'patch';
  else if (m === 'DELETE') info.verb = info.name ? 'delete' : 'deletecollection';
  else info.verb = m.toLowerCase();
  return info;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
