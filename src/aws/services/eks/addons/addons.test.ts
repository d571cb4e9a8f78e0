/**
 * Add-ons through `@aws-sdk/client-eks` on a ManualClock: the catalog (DescribeAddonVersions
 * with its filters and pages), configuration schemas, configuration values checked as EKS words
 * it, CREATING → ACTIVE → UPDATING → ACTIVE → DELETING → gone, Pod Identity associations owned by
 * an add-on, every refusal, and an update finished by a new service after a restart.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  CreateAddonCommand,
  CreateClusterCommand,
  DeleteAddonCommand,
  DeletePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeAddonVersionsCommand,
  DescribeUpdateCommand,
  ListAddonsCommand,
  ListPodIdentityAssociationsCommand,
  ListUpdatesCommand,
  paginateDescribeAddonVersions,
  paginateListAddons,
  UpdateAddonCommand,
} from '@aws-sdk/client-eks';
import { ManualClock } from '../../../../lib/clock.js';
import { clusterInput, rejection, startEks, type EksTestServer } from '../eks.test-helper.js';
import { activeCluster, addRoles, POD_ROLE, POD_ROLE_2, tick } from '../nodegroups/nodegroups.test-helper.js';
import { podIdentityExtension } from '../pod-identity/index.js';
import { addonsExtension } from './index.js';

let clock: ManualClock;
let srv: EksTestServer;
const extensions = () => [addonsExtension(), podIdentityExtension()];
const describeAddon = async (name: string) => (await srv.eks.send(new DescribeAddonCommand({ clusterName: 'c', addonName: name }))).addon!;

async function refuses(p: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, name, err.message);
  assert.equal(err.$metadata.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
}

beforeEach(async () => {
  clock = new ManualClock();
  srv = await startEks({ clock, extensions: extensions() });
  addRoles(srv);
  await activeCluster(srv, clock, 'c');
});
afterEach(() => srv.stop());

describe('add-on catalog', () => {
  it('DescribeAddonVersions lists the add-ons with versions, compatibilities and defaults; filters and pages', async () => {
    const all = (await srv.eks.send(new DescribeAddonVersionsCommand({}))).addons!;
    assert.deepEqual(all.map((a) => a.addonName), ['vpc-cni', 'kube-proxy', 'coredns', 'eks-pod-identity-agent', 'aws-ebs-csi-driver', 'aws-efs-csi-driver', 'snapshot-controller', 'amazon-cloudwatch-observability']);
    const cni = all[0]!;
    assert.deepEqual([cni.type, cni.owner, cni.publisher, cni.defaultNamespace], ['networking', 'aws', 'eks', 'kube-system']);
    const for134 = (await srv.eks.send(new DescribeAddonVersionsCommand({ kubernetesVersion: '1.34', addonName: 'coredns' }))).addons!;
    assert.equal(for134.length, 1);
    const versions = for134[0]!.addonVersions!;
    assert.deepEqual(versions.map((v) => v.addonVersion), ['v1.12.4-eksbuild.1', 'v1.12.1-eksbuild.2']);
    assert.deepEqual(versions[0]!.compatibilities, [{ clusterVersion: '1.34', platformVersions: ['*'], defaultVersion: true }]);
    assert.equal(versions[1]!.compatibilities?.[0]?.defaultVersion, false);
    const kp = (await srv.eks.send(new DescribeAddonVersionsCommand({ kubernetesVersion: '1.33', addonName: 'kube-proxy' }))).addons![0]!;
    assert.deepEqual(kp.addonVersions!.map((v) => v.addonVersion), ['v1.33.8-eksbuild.2', 'v1.33.7-eksbuild.1']);
    const storage = (await srv.eks.send(new DescribeAddonVersionsCommand({ types: ['storage'] }))).addons!;
    assert.deepEqual(storage.map((a) => a.addonName), ['aws-ebs-csi-driver', 'aws-efs-csi-driver', 'snapshot-controller']);
    assert.deepEqual((await srv.eks.send(new DescribeAddonVersionsCommand({ owners: ['aws-marketplace'] }))).addons, []);
    assert.deepEqual((await srv.eks.send(new DescribeAddonVersionsCommand({ addonName: 'nope' }))).addons, []);
    const page = await srv.eks.send(new DescribeAddonVersionsCommand({ maxResults: 3 }));
    assert.equal(page.addons?.length, 3);
    assert.ok(page.nextToken);
    const names: string[] = [];
    for await (const p of paginateDescribeAddonVersions({ client: srv.eks, pageSize: 3 }, {})) names.push(...(p.addons ?? []).map((a) => a.addonName!));
    assert.equal(names.length, 8);
  });

  it('DescribeAddonConfiguration answers the schema and the pod identity service accounts', async () => {
    const c = await srv.eks.send(new DescribeAddonConfigurationCommand({ addonName: 'vpc-cni', addonVersion: 'v1.21.1-eksbuild.1' }));
    const schema = JSON.parse(c.configurationSchema!) as { $ref: string; definitions: Record<string, unknown> };
    assert.equal(schema.$ref, '#/definitions/VpcCni');
    assert.ok(schema.definitions.Env);
    assert.deepEqual(c.podIdentityConfiguration, [{ serviceAccount: 'aws-node', recommendedManagedPolicies: ['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy'] }]);
    const dns = await srv.eks.send(new DescribeAddonConfigurationCommand({ addonName: 'coredns', addonVersion: 'v1.12.4-eksbuild.1' }));
    assert.equal(dns.podIdentityConfiguration, undefined);
    await refuses(srv.eks.send(new DescribeAddonConfigurationCommand({ addonName: 'coredns', addonVersion: 'v0.0.1' })), 'ResourceNotFoundException', 404, 'No configuration schema found for addon coredns with version v0.0.1');
  });
});

describe('add-on life', () => {
  it('CREATING → ACTIVE → UPDATING → ACTIVE → DELETING → gone', async () => {
    const { addon } = await srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'coredns', configurationValues: 'replicaCount: 3\n', tags: { a: 'b' } }));
    assert.equal(addon?.status, 'CREATING');
    assert.equal(addon?.addonVersion, 'v1.12.4-eksbuild.1');
    assert.match(addon?.addonArn ?? '', /^arn:aws:eks:us-east-1:000000000000:addon\/c\/coredns\/[0-9a-f-]{36}$/);
    assert.deepEqual([addon?.owner, addon?.publisher], ['aws', 'eks']);
    assert.equal(addon?.configurationValues, 'replicaCount: 3\n');
    await tick(srv, clock, 1000);
    assert.equal((await describeAddon('coredns')).status, 'ACTIVE');
    const { update } = await srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'coredns', addonVersion: 'v1.12.1-eksbuild.2', resolveConflicts: 'PRESERVE', configurationValues: '{"replicaCount":2}' }));
    assert.equal(update?.type, 'AddonUpdate');
    assert.deepEqual(update?.params, [
      { type: 'AddonVersion', value: 'v1.12.1-eksbuild.2' },
      { type: 'ResolveConflicts', value: 'PRESERVE' },
      { type: 'ConfigurationValues', value: '{"replicaCount":2}' },
    ]);
    assert.equal((await describeAddon('coredns')).status, 'UPDATING');
    await refuses(srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'coredns', resolveConflicts: 'NONE' })), 'ResourceInUseException', 409, `Cannot update addon coredns because cluster c currently has update ${update!.id} in progress for it`);
    await tick(srv, clock, 1000);
    const after = await describeAddon('coredns');
    assert.deepEqual([after.status, after.addonVersion, after.configurationValues], ['ACTIVE', 'v1.12.1-eksbuild.2', '{"replicaCount":2}']);
    assert.equal((await srv.eks.send(new DescribeUpdateCommand({ name: 'c', addonName: 'coredns', updateId: update!.id! }))).update?.status, 'Successful');
    assert.deepEqual((await srv.eks.send(new ListUpdatesCommand({ name: 'c', addonName: 'coredns' }))).updateIds, [update!.id]);
    const del = await srv.eks.send(new DeleteAddonCommand({ clusterName: 'c', addonName: 'coredns', preserve: true }));
    assert.equal(del.addon?.status, 'DELETING');
    await tick(srv, clock, 1000);
    await refuses(srv.eks.send(new DescribeAddonCommand({ clusterName: 'c', addonName: 'coredns' })), 'ResourceNotFoundException', 404, 'No addon: coredns found in cluster: c');
  });

  it('owns the Pod Identity associations it was given, replaces them on update and removes them on delete', async () => {
    const { addon } = await srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'vpc-cni', podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: POD_ROLE }] }));
    const list = async () => (await srv.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'c' }))).associations!;
    const [a] = await list();
    assert.deepEqual([a?.namespace, a?.serviceAccount, a?.ownerArn], ['kube-system', 'aws-node', addon!.addonArn]);
    assert.deepEqual(addon?.podIdentityAssociations, [a?.associationArn]);
    await refuses(
      srv.eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'c', associationId: a!.associationId! })),
      'InvalidRequestException',
      400,
      `Association ${a!.associationId} is owned by the add-on ${addon!.addonArn}; change it through UpdateAddon or DeleteAddon.`,
    );
    await tick(srv, clock, 1000);
    await srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'vpc-cni', podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: POD_ROLE_2 }] }));
    await tick(srv, clock, 1000);
    const [b] = await list();
    assert.notEqual(b?.associationId, a?.associationId);
    assert.deepEqual((await describeAddon('vpc-cni')).podIdentityAssociations, [b?.associationArn]);
    await srv.eks.send(new DeleteAddonCommand({ clusterName: 'c', addonName: 'vpc-cni' }));
    await tick(srv, clock, 1000);
    assert.deepEqual(await list(), []);
  });

  it('lists add-ons in pages', async () => {
    for (const n of ['coredns', 'kube-proxy', 'vpc-cni']) await srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: n }));
    assert.deepEqual((await srv.eks.send(new ListAddonsCommand({ clusterName: 'c', maxResults: 2 }))).addons, ['coredns', 'kube-proxy']);
    const names: string[] = [];
    for await (const p of paginateListAddons({ client: srv.eks, pageSize: 1 }, { clusterName: 'c' })) names.push(...(p.addons ?? []));
    assert.deepEqual(names, ['coredns', 'kube-proxy', 'vpc-cni']);
  });

  it('an update in flight is finished by a new service over the same store', async () => {
    await srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'kube-proxy', addonVersion: 'v1.34.3-eksbuild.1' }));
    await tick(srv, clock, 1000);
    const { update } = await srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'kube-proxy', addonVersion: 'v1.34.4-eksbuild.2' }));
    await srv.stop();
    clock.advance(2000);
    srv = await startEks({ clock, store: srv.store, ec2: srv.ec2, iam: srv.iam, extensions: extensions() });
    await srv.svc.reconciler.idle();
    assert.equal((await describeAddon('kube-proxy')).addonVersion, 'v1.34.4-eksbuild.2');
    assert.equal((await srv.eks.send(new DescribeUpdateCommand({ name: 'c', addonName: 'kube-proxy', updateId: update!.id! }))).update?.status, 'Successful');
  });
});

describe('add-on errors', () => {
  const create = (extra: Record<string, unknown>) => srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'coredns', ...extra }));
  const schemaError = (e: string) => `ConfigurationValue provided in request is not supported: Json schema validation failed with error: [${e}]`;

  it('refuses bad configuration values with the validator words EKS uses', async () => {
    await refuses(create({ configurationValues: '{"podAnnotationz":{}}' }), 'InvalidParameterException', 400, schemaError('$.podAnnotationz: is not defined in the schema and the schema does not allow additional properties'));
    await refuses(create({ configurationValues: 'null' }), 'InvalidParameterException', 400, schemaError('$: null found, object expected'));
    await refuses(create({ configurationValues: '{"replicaCount":"two"}' }), 'InvalidParameterException', 400, schemaError('$.replicaCount: string found, integer expected'));
    await refuses(create({ configurationValues: '{"replicaCount":0,"resources":{"limits":{"gpu":"1"}}}' }), 'InvalidParameterException', 400, schemaError('$.replicaCount: must have a minimum value of 1, $.resources.limits.gpu: is not defined in the schema and the schema does not allow additional properties'));
    await refuses(create({ configurationValues: '{"a": [' }), 'InvalidParameterException', 400, 'ConfigurationValue provided in request is not supported: the value is neither valid JSON nor valid YAML');
    await refuses(
      srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'vpc-cni', configurationValues: '{"eniConfig":{"create":true,"region":"us-east-1","subnets":{}}}' })),
      'InvalidParameterException',
      400,
      schemaError('$.eniConfig.subnets: should have a minimum of 1 properties'),
    );
  });

  it('refuses unknown add-ons and versions, duplicates, missing things and busy clusters', async () => {
    await refuses(create({ clusterName: 'nope' }), 'ResourceNotFoundException', 404, 'No cluster found for name: nope.');
    await refuses(srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'not-an-addon' })), 'InvalidParameterException', 400, 'Addon specified is not supported');
    await refuses(create({ addonVersion: 'v9.9.9-eksbuild.1' }), 'InvalidParameterException', 400, 'Addon version specified is not supported');
    await refuses(srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'kube-proxy', addonVersion: 'v1.33.8-eksbuild.2' })), 'InvalidParameterException', 400, 'Addon version specified is not supported');
    await refuses(create({ serviceAccountRoleArn: 'nope' }), 'InvalidParameterException', 400, "Invalid Role Arn: 'nope'");
    await refuses(
      srv.eks.send(new CreateAddonCommand({ clusterName: 'c', addonName: 'vpc-cni', podIdentityAssociations: [{ serviceAccount: 'other', roleArn: POD_ROLE }] })),
      'InvalidParameterException',
      400,
      'Service account other is not supported by addon vpc-cni for EKS Pod Identity',
    );
    await create({});
    await refuses(create({}), 'ResourceInUseException', 409, 'Addon already exists.');
    await refuses(srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'coredns', resolveConflicts: 'NONE' })), 'InvalidRequestException', 400, 'Addon coredns cannot be updated while it is in status CREATING');
    await tick(srv, clock, 1000);
    await refuses(srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'coredns' })), 'InvalidParameterException', 400, /^At least one of addonVersion/);
    await refuses(srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'coredns', configurationValues: '[]' })), 'InvalidParameterException', 400, schemaError('$: array found, object expected'));
    await refuses(srv.eks.send(new UpdateAddonCommand({ clusterName: 'c', addonName: 'vpc-cni', resolveConflicts: 'NONE' })), 'ResourceNotFoundException', 404, 'No addon: vpc-cni found in cluster: c');
    await refuses(srv.eks.send(new DeleteAddonCommand({ clusterName: 'c', addonName: 'vpc-cni' })), 'ResourceNotFoundException', 404, 'No addon: vpc-cni found in cluster: c');
    await srv.eks.send(new CreateClusterCommand(clusterInput('young')));
    await refuses(srv.eks.send(new CreateAddonCommand({ clusterName: 'young', addonName: 'coredns' })), 'InvalidRequestException', 400, "Cluster 'young' is not in ACTIVE status");
  });
});
