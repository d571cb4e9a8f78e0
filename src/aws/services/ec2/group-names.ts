/**
 * Security group names are unique within a VPC. Each name is claimed in its own record
 * (`security-group-name/<vpcId>/<name>` → the group's id), created before the group with the
 * store's create-if-absent, so two concurrent creates of one name cannot both succeed, and finding
 * a group by name is two reads instead of a scan of every group in the region (EKS makes a group
 * per cluster, so with hundreds of clusters the scan was most of CreateCluster's EC2 cost).
 *
 * A claim whose group does not exist (a crash between the claim and the group's write, or between
 * the group's delete and the claim's) is stale: the next claim of the name takes it over. Regions
 * stored before claims existed get theirs once, on first use ({@link backfillGroupNames}).
 */
import type { SecurityGroupDoc } from './model.js';
import type { Ec2Region } from './state.js';

const key = (vpcId: string, name: string) => `${vpcId}/${name}`;

/** Stores a new group under its claimed name; false (nothing written) when its VPC has a group of that name. */
export async function createNamedGroup(r: Ec2Region, g: SecurityGroupDoc): Promise<boolean> {
  if (!(await claimGroupName(r, g.VpcId, g.GroupName, g.GroupId))) return false;
  await r.groups.create(g.GroupId, g);
  return true;
}

/** Deletes a group, then releases its name. */
export async function deleteNamedGroup(r: Ec2Region, g: SecurityGroupDoc): Promise<void> {
  await r.groups.delete(g.GroupId);
  await releaseGroupName(r, g);
}

/** Claims `name` in `vpcId` for `groupId`; false when a group of that name exists there. */
async function claimGroupName(r: Ec2Region, vpcId: string, name: string, groupId: string): Promise<boolean> {
  for (;;) {
    if (await r.groupNames.create(key(vpcId, name), { groupId })) return true;
    const held = await r.groupNames.get(key(vpcId, name));
    if (!held) continue; // released meanwhile: claim again
    if (held.value.groupId === groupId) return true;
    if (!(await r.groups.get(held.value.groupId))) {
      if (await r.groupNames.update(key(vpcId, name), { groupId }, held.revision)) return true;
      continue; // changed meanwhile: look again
    }
    return false;
  }
}

/** Releases a deleted group's name (only while the claim is still that group's). */
async function releaseGroupName(r: Ec2Region, g: Pick<SecurityGroupDoc, 'VpcId' | 'GroupName' | 'GroupId'>): Promise<void> {
  const held = await r.groupNames.get(key(g.VpcId, g.GroupName));
  if (held?.value.groupId === g.GroupId) await r.groupNames.delete(key(g.VpcId, g.GroupName), held.revision);
}

/** The group named `name` in `vpcId`, if there is one. */
export async function groupByVpcAndName(r: Ec2Region, vpcId: string, name: string): Promise<SecurityGroupDoc | undefined> {
  const held = await r.groupNames.get(key(vpcId, name));
  return held && (await r.groups.get(held.value.groupId))?.value;
}

/** Claims the names of groups stored before claims existed (once per region: a marker records it). */
export async function backfillGroupNames(r: Ec2Region): Promise<void> {
  if (await r.meta.get('group-names')) return;
  for (const g of await r.all(r.groups)) await claimGroupName(r, g.VpcId, g.GroupName, g.GroupId);
  await r.meta.create('group-names', { at: r.now() });
}
