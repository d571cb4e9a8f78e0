/**
 * Generates `src/aws/models/<service>.gen.ts`, the trimmed botocore service models the AWS wire
 * layer is driven by (shared/CONVENTIONS.md idea 6), from the botocore installed with the `aws` CLI.
 *
 *   node --import tsx scripts/gen-aws-models.ts [--check]
 *
 * `--check` writes nothing and exits 1 when a committed file differs from what would be generated
 * (for CI). Every operation of every service is kept (name and HTTP binding, so unimplemented
 * operations can be named), but shapes are emitted only for the operations in {@link ALLOW}.
 * No documentation text is copied; only serialization and constraint traits.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OperationModel, ServiceModel, Shape, ShapeRef } from '../src/aws/models/types.js';

const w = (s: string) => s.split(/\s+/).filter(Boolean);

/** Operations whose shapes are generated, per service; `'*'` keeps them all. */
export const ALLOW: Record<string, '*' | string[]> = {
  eks: '*',
  kms: w(`CreateKey DescribeKey ListKeys EnableKey DisableKey ScheduleKeyDeletion CancelKeyDeletion
    CreateAlias DeleteAlias ListAliases UpdateAlias Encrypt Decrypt GenerateDataKey
    GenerateDataKeyWithoutPlaintext ReEncrypt TagResource UntagResource ListResourceTags GetKeyPolicy
    PutKeyPolicy GetKeyRotationStatus EnableKeyRotation DisableKeyRotation UpdateKeyDescription`),
  sts: w('GetCallerIdentity AssumeRole AssumeRoleWithWebIdentity GetSessionToken'),
  iam: w(`CreateRole GetRole DeleteRole ListRoles UpdateRole UpdateRoleDescription UpdateAssumeRolePolicy
    TagRole UntagRole ListRoleTags CreateServiceLinkedRole DeleteServiceLinkedRole
    GetServiceLinkedRoleDeletionStatus
    CreateUser GetUser DeleteUser ListUsers UpdateUser TagUser UntagUser ListUserTags
    CreateAccessKey DeleteAccessKey ListAccessKeys UpdateAccessKey GetAccessKeyLastUsed
    CreatePolicy GetPolicy DeletePolicy ListPolicies CreatePolicyVersion GetPolicyVersion
    DeletePolicyVersion ListPolicyVersions SetDefaultPolicyVersion TagPolicy UntagPolicy ListPolicyTags
    ListEntitiesForPolicy AttachRolePolicy DetachRolePolicy ListAttachedRolePolicies AttachUserPolicy
    DetachUserPolicy ListAttachedUserPolicies PutRolePolicy GetRolePolicy DeleteRolePolicy
    ListRolePolicies PutUserPolicy GetUserPolicy DeleteUserPolicy ListUserPolicies
    CreateInstanceProfile GetInstanceProfile DeleteInstanceProfile ListInstanceProfiles
    AddRoleToInstanceProfile RemoveRoleFromInstanceProfile ListInstanceProfilesForRole
    TagInstanceProfile UntagInstanceProfile ListInstanceProfileTags
    CreateOpenIDConnectProvider GetOpenIDConnectProvider DeleteOpenIDConnectProvider
    ListOpenIDConnectProviders AddClientIDToOpenIDConnectProvider RemoveClientIDFromOpenIDConnectProvider
    UpdateOpenIDConnectProviderThumbprint TagOpenIDConnectProvider UntagOpenIDConnectProvider
    ListOpenIDConnectProviderTags`),
  autoscaling: w(`CreateAutoScalingGroup DescribeAutoScalingGroups UpdateAutoScalingGroup
    DeleteAutoScalingGroup SetDesiredCapacity TerminateInstanceInAutoScalingGroup
    DescribeAutoScalingInstances CreateOrUpdateTags DeleteTags DescribeTags DescribeScalingActivities
    SuspendProcesses ResumeProcesses PutLifecycleHook DeleteLifecycleHook DescribeLifecycleHooks
    CompleteLifecycleAction RecordLifecycleActionHeartbeat`),
  ec2: w(`DescribeRegions DescribeAvailabilityZones
    CreateVpc DescribeVpcs DeleteVpc ModifyVpcAttribute DescribeVpcAttribute
    CreateSubnet DescribeSubnets DeleteSubnet ModifySubnetAttribute
    CreateSecurityGroup DescribeSecurityGroups DeleteSecurityGroup DescribeSecurityGroupRules
    AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress
    RevokeSecurityGroupEgress
    CreateInternetGateway DescribeInternetGateways DeleteInternetGateway AttachInternetGateway
    DetachInternetGateway
    CreateRouteTable DescribeRouteTables DeleteRouteTable CreateRoute DeleteRoute ReplaceRoute
    AssociateRouteTable DisassociateRouteTable ReplaceRouteTableAssociation
    CreateNetworkInterface DescribeNetworkInterfaces DeleteNetworkInterface AttachNetworkInterface
    DetachNetworkInterface AssignPrivateIpAddresses UnassignPrivateIpAddresses
    CreateLaunchTemplate DescribeLaunchTemplates DeleteLaunchTemplate ModifyLaunchTemplate
    CreateLaunchTemplateVersion DescribeLaunchTemplateVersions DeleteLaunchTemplateVersions
    CreateKeyPair ImportKeyPair DescribeKeyPairs DeleteKeyPair
    CreateVolume DescribeVolumes DeleteVolume AttachVolume DetachVolume
    RunInstances DescribeInstances TerminateInstances StartInstances StopInstances
    DescribeInstanceTypes DescribeInstanceStatus
    CreateTags DeleteTags DescribeTags DescribeImages DescribeAccountAttributes
    AllocateAddress ReleaseAddress DescribeAddresses
    CreateNatGateway DescribeNatGateways DeleteNatGateway`),
};

export const SERVICES = Object.keys(ALLOW);

/** botocore's JSON model, loosely typed. */
type Raw = Record<string, any>;

const REF_TRAITS = ['locationName', 'location', 'queryName', 'flattened', 'xmlNamespace', 'xmlAttribute', 'timestampFormat', 'jsonvalue', 'idempotencyToken'] as const;
const SHAPE_TRAITS = ['enum', 'min', 'max', 'pattern', 'locationName', 'flattened', 'timestampFormat', 'xmlNamespace', 'payload', 'document', 'union', 'exception', 'fault', 'error'] as const;
const META = ['protocol', 'apiVersion', 'endpointPrefix', 'signingName', 'serviceId', 'targetPrefix', 'jsonVersion', 'xmlNamespace', 'globalEndpoint'] as const;

function ref(r: Raw): ShapeRef {
  const out: Raw = { shape: r.shape };
  for (const k of REF_TRAITS) if (r[k] !== undefined) out[k] = r[k];
  return out as ShapeRef;
}

function trimShape(s: Raw): Shape {
  const out: Raw = { type: s.type };
  if (s.members) out.members = Object.fromEntries(Object.entries(s.members as Raw).map(([k, v]) => [k, ref(v as Raw)]));
  if (s.required?.length) out.required = s.required;
  for (const k of ['member', 'key', 'value'] as const) if (s[k]) out[k] = ref(s[k]);
  for (const k of SHAPE_TRAITS) if (s[k] !== undefined) out[k] = s[k];
  return out as Shape;
}

/** Trims one botocore model to what the wire layer reads; throws if an allow-listed operation is unknown. */
export function trimModel(service: string, raw: Raw): ServiceModel {
  const allow = ALLOW[service] ?? [];
  const rawOps = raw.operations as Raw;
  if (allow !== '*') for (const op of allow) if (!rawOps[op]) throw new Error(`${service}: no operation ${op} in botocore`);
  const wanted = (op: string) => allow === '*' || allow.includes(op);
  const metadata: Raw = {};
  for (const k of META) if (raw.metadata[k] !== undefined) metadata[k] = raw.metadata[k];
  metadata.signingName ??= raw.metadata.endpointPrefix;
  const operations: Record<string, OperationModel> = {};
  const roots: string[] = [];
  for (const name of Object.keys(rawOps).sort()) {
    const o = rawOps[name] as Raw;
    const http: Raw = { method: o.http.method, requestUri: o.http.requestUri };
    if (o.http.responseCode !== undefined) http.responseCode = o.http.responseCode;
    const op: Raw = { http, modeled: wanted(name) };
    if (op.modeled) {
      if (o.input) op.input = o.input.shape;
      if (o.output) op.output = o.output.shape;
      if (o.output?.resultWrapper) op.resultWrapper = o.output.resultWrapper;
      if (o.errors?.length) op.errors = (o.errors as Raw[]).map((e) => e.shape as string);
      roots.push(...[op.input, op.output, ...(op.errors ?? [])].filter(Boolean));
    }
    operations[name] = op as OperationModel;
  }
  const shapes: Record<string, Shape> = {};
  const visit = (n: string) => {
    if (shapes[n]) return;
    const s = raw.shapes[n] as Raw | undefined;
    if (!s) throw new Error(`${service}: dangling shape ${n}`);
    const t = trimShape(s);
    shapes[n] = t;
    for (const r of [...Object.values(t.members ?? {}), t.member, t.key, t.value]) if (r) visit(r.shape);
  };
  roots.forEach(visit);
  const sorted = Object.fromEntries(Object.keys(shapes).sort().map((k) => [k, shapes[k]!]));
  return { metadata: metadata as ServiceModel['metadata'], operations, shapes: sorted };
}

const tpl = (s: string) => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/**
 * The source of `<service>.gen.ts`: the model as one JSON text (one operation or shape per line,
 * so diffs stay readable), parsed at load — JSON.parse is much faster for V8 than an object
 * literal of this size, and keeps the typechecker from inferring a type for thousands of shapes.
 */
export function renderModel(service: string, model: ServiceModel, botocoreVersion: string): string {
  const section = (o: Record<string, unknown>) =>
    '{\n' + Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',\n') + '\n}';
  const json = `{"metadata":${JSON.stringify(model.metadata)},\n"operations":${section(model.operations)},\n"shapes":${section(model.shapes)}}`;
  return `// Generated by scripts/gen-aws-models.ts from botocore ${botocoreVersion}. Do not edit.
import type { ServiceModel } from './types.js';

/** The trimmed ${model.metadata.serviceId} model (${model.metadata.protocol}, ${model.metadata.apiVersion}). */
export const ${service}Model: ServiceModel = JSON.parse(\`${tpl(json)}\`) as ServiceModel;
`;
}

const DUMP = `
import json, sys, botocore, botocore.loaders as L
l = L.create_loader()
json.dump({"version": botocore.__version__, "models": {s: l.load_service_model(s, "service-2") for s in sys.argv[1:]}}, sys.stdout)
`;

/** Loads the installed botocore's models of `services` through python3. */
export function loadBotocore(services: readonly string[] = SERVICES): { version: string; models: Record<string, Raw> } {
  const out = execFileSync('python3', ['-c', DUMP, ...services], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out) as { version: string; models: Record<string, Raw> };
}

/** Every generated file, path relative to the repository root → content. */
export function generateAll(): Map<string, string> {
  const { version, models } = loadBotocore();
  const files = new Map<string, string>();
  for (const s of SERVICES) files.set(`src/aws/models/${s}.gen.ts`, renderModel(s, trimModel(s, models[s]!), version));
  return files;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const [rel, text] of generateAll()) {
    const path = join(ROOT, rel);
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      /* new file */
    }
    if (old === text) continue;
    if (check) {
      console.error(`${rel} is out of date: run node --import tsx scripts/gen-aws-models.ts`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${rel} (${text.length} bytes)`);
    }
  }
  return stale ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
