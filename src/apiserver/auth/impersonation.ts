/**
 * User impersonation, as k8s.io/apiserver endpoints/filters/impersonation.go: `Impersonate-User`,
 * `Impersonate-Group` (repeatable), `Impersonate-Uid` and `Impersonate-Extra-<key>` headers make
 * the request act as another user, each piece authorized with verb `impersonate` for the real
 * caller (users / groups / serviceaccounts in the core group, uids and userextras in
 * authentication.k8s.io). A refusal is the usual 403 (`users "x" is forbidden: User "u" cannot
 * impersonate resource "users" in API group "" at the cluster scope`).
 */
import { internalError } from '../../apimachinery/errors.js';
import type { UserInfo } from '../endpoints/types.js';
import { forbiddenFor } from './forbidden.js';
import type { AuthorizationAttributes, Authorizer } from './types.js';

/** Request headers as the HTTP layer gives them (lower-case names; a repeated header as a list or comma-joined). */
export type ImpersonationHeaders = Record<string, string | string[] | undefined>;

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA = 'impersonate-extra-';
const SA_PREFIX = 'system:serviceaccount:';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether any impersonation header is present (the caller strips them before dispatch). */
export function isImpersonationHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === USER || n === GROUP || n === UID || n.startsWith(EXTRA);
}

/** Every value of a header: lists as given, a comma-joined string (Node's joining of repeats) split. */
function values(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  const list = Array.isArray(h) ? h : h.split(',');
  return list.map((v) => v.trim()).filter((v) => v !== '');
}

/** serviceaccount.SplitUsername: [namespace, name] for a valid service-account user name. */
export function splitServiceAccount(username: string): [string, string] | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [ns, name] = parts as [string, string];
  if (!DNS_LABEL.test(ns) || ns.length > 63 || !DNS_SUBDOMAIN.test(name) || name.length > 253) return undefined;
  return [ns, name];
}

/** url.PathUnescape of an extra key; keys that do not decode stay as sent. */
function unescapeKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

/**
 * The user a request acts as: `user` itself without impersonation headers, otherwise the
 * impersonated user once every piece is authorized. Throws a 403 StatusError when a piece is
 * refused, and a 500 (as upstream) for groups, extras or a UID without a user.
 */
export async function impersonate(headers: ImpersonationHeaders, user: UserInfo, authorize: Authorizer): Promise<UserInfo> {
  const requestedUser = values(headers[USER])[0] ?? '';
  const groups = values(headers[GROUP]);
  const uid = values(headers[UID])[0] ?? '';
  const extras: [string, string][] = [];
  for (const [name, v] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith(EXTRA) && lower.length > EXTRA.length) for (const value of values(v)) extras.push([unescapeKey(lower.slice(EXTRA.length)), value]);
  }
  if (!requestedUser) {
    if (!groups.length && !extras.length && !uid) return user;
    const pieces = [...groups.map((g) => `Group ${JSON.stringify(g)}`), ...extras.map(([k, v]) => `UserExtra ${JSON.stringify(`${k}=${v}`)}`), ...(uid ? [`UID ${JSON.stringify(uid)}`] : [])];
    throw internalError(`requested [${pieces.join(', ')}] without impersonating a user`);
  }

  const check = async (attrs: Omit<AuthorizationAttributes, 'user' | 'verb' | 'isResourceRequest' | 'path' | 'apiVersion'>) => {
    const a: AuthorizationAttributes = { user, verb: 'impersonate', isResourceRequest: true, path: '', apiVersion: '', ...attrs };
    const d = await authorize(a);
    if (!d.allowed) throw forbiddenFor(a, d.reason);
  };

  const sa = splitServiceAccount(requestedUser);
  let outGroups: string[] = [];
  if (sa) {
    await check({ apiGroup: '', resource: 'serviceaccounts', namespace: sa[0], name: sa[1] });
    if (!groups.length) outGroups = ['system:serviceaccounts', `system:serviceaccounts:${sa[0]}`];
  } else await check({ apiGroup: '', resource: 'users', name: requestedUser });
  for (const g of groups) {
    await check({ apiGroup: '', resource: 'groups', name: g });
    outGroups.push(g);
  }
  const extra: Record<string, string[]> = {};
  for (const [k, v] of extras) {
    await check({ apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, name: v });
    (extra[k] ??= []).push(v);
  }
  if (uid) await check({ apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid });

  if (requestedUser !== 'system:anonymous') {
    if (!outGroups.includes('system:authenticated') && !outGroups.includes('system:unauthenticated')) outGroups.push('system:authenticated');
  } else if (!outGroups.includes('system:unauthenticated')) outGroups.push('system:unauthenticated');

  return { name: requestedUser, groups: outGroups, ...(uid ? { uid } : {}), ...(extras.length ? { extra } : {}) };
}
