/**
 * The IAM service (query protocol, 2010-05-08): every operation of the generated model's
 * allow-list that IamState can serve, as thin handlers (./handlers-*.ts). Outputs carry policy
 * documents URL-encoded as IAM does (./output.ts). Authorization resources are the ARNs IAM checks
 * (`iam:GetRole on resource: arn:aws:iam::A:role/NAME`); for entities addressed by name the path is
 * not known before the store is read, so the ARN is built without it.
 *
 * Not served yet (501 NotImplemented), for lack of IamState support: UpdateUser,
 * Tag/UntagInstanceProfile, Tag/UntagOpenIDConnectProvider, Add/RemoveClientIDToOpenIDConnectProvider.
 * Group operations are outside the generated model's allow-list.
 */
import type { IamState } from '../../identity/index.js';
import { MODELS } from '../../models/index.js';
import { defineService, type AwsService, type ResourceArnOf } from '../../service.js';
import type { AwsHandler } from '../../types.js';
import { oidcHandlers } from './handlers-oidc.js';
import { policyHandlers } from './handlers-policies.js';
import { roleHandlers } from './handlers-roles.js';
import { userHandlers } from './handlers-users.js';
import { encodePolicyDocuments } from './output.js';

export interface IamServiceOptions {
  iam: IamState;
}

type In = Record<string, unknown>;
const model = MODELS.iam!;

const arnOf = (kind: string, nameMember: string, pathMember?: string): ResourceArnOf => (input: In, ctx) => {
  const name = input[nameMember];
  if (typeof name !== 'string') return undefined;
  const path = pathMember && typeof input[pathMember] === 'string' ? (input[pathMember] as string) : '/';
  return `arn:aws:iam::${ctx.account}:${kind}${path}${name}`;
};
/** List operations are authorized on the ARN prefix they list (`iam:ListRoles on resource: arn:aws:iam::A:role/`). */
const LISTS: Readonly<Record<string, string>> = { ListUsers: 'user', ListRoles: 'role', ListPolicies: 'policy', ListInstanceProfiles: 'instance-profile' };
const listArn = (kind: string): ResourceArnOf => (input: In, ctx) => `arn:aws:iam::${ctx.account}:${kind}${typeof input.PathPrefix === 'string' ? input.PathPrefix : '/'}`;
const member = (m: string): ResourceArnOf => (input) => (typeof input[m] === 'string' ? (input[m] as string) : undefined);

/** The resource each operation is authorized against, by the member that names it. */
function resourcesFor(ops: string[]): Record<string, ResourceArnOf> {
  const out: Record<string, ResourceArnOf> = {};
  for (const op of ops) {
    const shape = model.shapes[model.operations[op]?.input ?? ''];
    const members = Object.keys(shape?.members ?? {});
    if (op === 'CreateUser') out[op] = arnOf('user', 'UserName', 'Path');
    else if (op === 'CreateRole') out[op] = arnOf('role', 'RoleName', 'Path');
    else if (op === 'CreateInstanceProfile') out[op] = arnOf('instance-profile', 'InstanceProfileName', 'Path');
    else if (op === 'CreatePolicy') out[op] = (input, ctx) => `arn:aws:iam::${ctx.account}:policy${typeof input.Path === 'string' ? input.Path : '/'}${String(input.PolicyName)}`;
    else if (LISTS[op]) out[op] = listArn(LISTS[op]);
    else if (members.includes('RoleName')) out[op] = arnOf('role', 'RoleName');
    else if (members.includes('UserName')) out[op] = arnOf('user', 'UserName');
    else if (members.includes('InstanceProfileName')) out[op] = arnOf('instance-profile', 'InstanceProfileName');
    else if (members.includes('PolicyArn')) out[op] = member('PolicyArn');
    else if (members.includes('OpenIDConnectProviderArn')) out[op] = member('OpenIDConnectProviderArn');
  }
  return out;
}

/** Wraps a handler so that its output's policy documents leave URL-encoded. */
function encoding(op: string, h: AwsHandler): AwsHandler {
  const shape = model.operations[op]?.output;
  if (!shape) return h;
  return async (input, ctx) => {
    const out = await h(input, ctx);
    encodePolicyDocuments(model, shape, out);
    return out;
  };
}

/** The IAM AwsService over `iam`. */
export function createIamService(opts: IamServiceOptions): AwsService {
  const { iam } = opts;
  const raw: Record<string, AwsHandler> = { ...userHandlers(iam), ...roleHandlers(iam), ...policyHandlers(iam), ...oidcHandlers(iam) };
  const handlers = Object.fromEntries(Object.entries(raw).map(([op, h]) => [op, encoding(op, h)]));
  return defineService({ name: 'iam', handlers, resources: resourcesFor(Object.keys(handlers)) });
}
