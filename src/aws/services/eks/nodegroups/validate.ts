/**
 * The checks of CreateNodegroup, UpdateNodegroupConfig and UpdateNodegroupVersion beyond what
 * the model already enforces (required members, enums, lengths, ranges): scaling bounds, launch
 * template combinations, the node role, subnets in the cluster's VPC, versions and releases
 * (shared/research/eks-semantics.md §2 and §5). Each throws InvalidParameterException with the
 * texts of ./messages.ts.
 */
import { AwsError } from '../../../types.js';
import type { Ec2Api } from '../../contracts.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import type { EksRuntime } from '../runtime.js';
import type { Scope } from '../state.js';
import { NG_MSG } from './messages.js';
import type { ScalingConfig, Taint } from './model.js';

const invalid = (message: string, f: EksErrorFields) => eksError('InvalidParameterException', message, f);

const NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
const MAX_TAINTS = 50;

/** A node group name (it becomes part of ids, ARNs and the ASG name). */
export function checkName(name: string, f: EksErrorFields): void {
  if (!NAME.test(name)) throw invalid(NG_MSG.invalidName(name), f);
}

/** min ≤ desired ≤ max, in the order EKS reports them. */
export function checkScaling(s: ScalingConfig, f: EksErrorFields): void {
  if (s.minSize > s.desiredSize) throw invalid(NG_MSG.minGtDesired(s.minSize, s.desiredSize), f);
  if (s.desiredSize > s.maxSize) throw invalid(NG_MSG.desiredGtMax, f);
  if (s.minSize > s.maxSize) throw invalid(NG_MSG.minGtMax, f);
}

/**
 * CreateNodegroup's scaling config: all three members or none (model doc); none gives min 1,
 * max 2, desired 2 (UNVERIFIED: what tools assume, semantics doc §5).
 */
export function createScaling(input: Partial<ScalingConfig> | undefined, f: EksErrorFields): ScalingConfig {
  if (!input || (input.minSize === undefined && input.maxSize === undefined && input.desiredSize === undefined)) return { minSize: 1, maxSize: 2, desiredSize: 2 };
  for (const m of ['minSize', 'maxSize', 'desiredSize'] as const) if (input[m] === undefined) throw invalid(`${m} is required`, f);
  const s = { minSize: input.minSize!, maxSize: input.maxSize!, desiredSize: input.desiredSize! };
  checkScaling(s, f);
  return s;
}

/** An update config: exactly one of maxUnavailable / maxUnavailablePercentage (default maxUnavailable 1). */
export function checkUpdateConfig(u: { maxUnavailable?: number; maxUnavailablePercentage?: number } | undefined, f: EksErrorFields): void {
  if (u?.maxUnavailable !== undefined && u.maxUnavailablePercentage !== undefined) throw invalid(NG_MSG.updateConfigOne, f);
}

/** At most 50 taints (quota). */
export function checkTaints(taints: readonly Taint[], f: EksErrorFields): void {
  if (taints.length > MAX_TAINTS) throw invalid(NG_MSG.tooManyTaints, f);
}

/** The node role: a role ARN that exists and trusts ec2.amazonaws.com (the cluster role's texts). */
export async function checkNodeRole(rt: EksRuntime, scope: Scope, roleArn: string, f: EksErrorFields): Promise<void> {
  if (!ROLE_ARN.test(roleArn)) throw invalid(MSG.invalidRoleArn(roleArn), f);
  const role = await rt.iam.getRole(scope.account, roleArn);
  if (!role || !(await rt.iam.roleTrusts(scope.account, roleArn, 'ec2.amazonaws.com'))) throw invalid(MSG.roleNotAssumable(roleArn), f);
}

/** The subnets: all exist (EC2's error wrapped, as for clusters) and are in the cluster's VPC. */
export async function checkSubnets(rt: EksRuntime, scope: Scope, ids: readonly string[], vpcId: string, requestId: string, f: EksErrorFields): Promise<void> {
  const found = new Map((await rt.ec2.describeSubnets(scope.account, scope.region, [...ids])).map((s) => [s.subnetId, s]));
  for (const id of ids) {
    const s = found.get(id);
    if (!s) throw invalid(MSG.subnetNotFound(id, requestId), f);
    if (s.vpcId !== vpcId) throw invalid(NG_MSG.subnetNotInVpc(id, vpcId), f);
  }
}

/** A launch template as EC2 resolves it (src/aws/services/ec2/api.ts `Ec2ApiExtras`). */
export interface ResolvedTemplate {
  id: string;
  name: string;
  version: number;
  instanceType?: string;
  imageId?: string;
}

type Resolver = (account: string, region: string, spec: { id?: string; name?: string; version?: string }) => Promise<ResolvedTemplate>;

/** EC2's launch template lookup when the injected EC2 offers one (it is not in the contract yet). */
function templateResolver(ec2: Ec2Api): Resolver | undefined {
  const f = (ec2 as Partial<{ describeLaunchTemplate: Resolver }>).describeLaunchTemplate;
  return typeof f === 'function' ? f.bind(ec2) : undefined;
}

/**
 * A launch template specification: exactly one of id and name; resolved through EC2 when it can
 * (the stored spec then carries id, name and the version number); otherwise recorded as given.
 */
export async function resolveTemplate(
  rt: EksRuntime,
  scope: Scope,
  spec: { id?: string; name?: string; version?: string },
  f: EksErrorFields,
): Promise<{ spec: { id?: string; name?: string; version?: string }; resolved?: ResolvedTemplate }> {
  if ((spec.id === undefined) === (spec.name === undefined)) throw invalid(NG_MSG.launchTemplateIdOrName, f);
  const resolve = templateResolver(rt.ec2);
  if (!resolve) return { spec: { ...spec } };
  try {
    const r = await resolve(scope.account, scope.region, spec);
    return { spec: { id: r.id, name: r.name, version: String(r.version) }, resolved: r };
  } catch (err) {
    if (err instanceof AwsError) throw invalid(NG_MSG.launchTemplateNotFound(spec.id ?? spec.name ?? ''), f);
    throw err;
  }
}
