/**
 * Stored records as the model's output shapes: internal lifecycle fields never leave, and a
 * cluster's `endpoint`, CA data and OIDC issuer appear only once it has been ACTIVE (while
 * CREATING, `certificateAuthority` is `{}` as in the real CreateCluster response — semantics doc §2).
 */
import type { AccessEntryRecord, AssociatedPolicyRecord, ClusterRecord, UpdateRecord } from './state.js';

/** The model's `Cluster`. */
export function clusterView(c: ClusterRecord): Record<string, unknown> {
  const shown = c.activatedAt !== undefined && c.controlPlane !== undefined && c.status !== 'FAILED';
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt,
    version: c.version,
    endpoint: shown ? c.controlPlane!.endpoint : undefined,
    roleArn: c.roleArn,
    resourcesVpcConfig: c.resourcesVpcConfig,
    kubernetesNetworkConfig: c.kubernetesNetworkConfig,
    logging: c.logging,
    identity: shown ? { oidc: { issuer: c.controlPlane!.oidcIssuer } } : undefined,
    status: c.status,
    certificateAuthority: shown ? { data: c.controlPlane!.certificateAuthorityData } : {},
    clientRequestToken: c.clientRequestToken,
    platformVersion: c.platformVersion,
    tags: c.tags,
    encryptionConfig: c.encryptionConfig,
    health: c.health,
    accessConfig: c.accessConfig,
    upgradePolicy: c.upgradePolicy,
    zonalShiftConfig: c.zonalShiftConfig,
    remoteNetworkConfig: c.remoteNetworkConfig,
    computeConfig: c.computeConfig,
    storageConfig: c.storageConfig,
    deletionProtection: c.deletionProtection,
    controlPlaneScalingConfig: c.controlPlaneScalingConfig,
  };
}

/** The model's `Update`. */
export function updateView(u: UpdateRecord): Record<string, unknown> {
  return { id: u.id, status: u.status, type: u.type, params: u.params, createdAt: u.createdAt, errors: u.errors };
}

/** The model's `AccessEntry`. */
export function accessEntryView(e: AccessEntryRecord): Record<string, unknown> {
  return {
    clusterName: e.clusterName,
    principalArn: e.principalArn,
    kubernetesGroups: e.kubernetesGroups,
    accessEntryArn: e.accessEntryArn,
    createdAt: e.createdAt,
    modifiedAt: e.modifiedAt,
    tags: e.tags,
    username: e.username,
    type: e.type,
  };
}

/** The model's `AssociatedAccessPolicy`. */
export function associatedPolicyView(p: AssociatedPolicyRecord): Record<string, unknown> {
  return { policyArn: p.policyArn, accessScope: p.accessScope, associatedAt: p.associatedAt, modifiedAt: p.modifiedAt };
}
