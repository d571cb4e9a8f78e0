/**
 * Instances after launch: their wire form (state read lazily from the clock, interfaces and
 * attached volumes joined in), listing without the terminated ones older than the retention, and
 * the state changes TerminateInstances / StopInstances / StartInstances make. Terminating releases
 * the addresses at once: interfaces made with the instance are deleted, others detached, attached
 * volumes detached (deleted when DeleteOnTermination).
 */
import { publicDnsName } from './cidr.js';
import { deleteEni } from './enis.js';
import { Ec2Errors } from './errors.js';
import { newPublicIp } from './ids.js';
import { currentState, expired, stateWire } from './instance-state.js';
import type { InstanceDoc, InstanceStateName, NetworkInterfaceDoc, VolumeDoc } from './model.js';
import type { Ec2Region } from './state.js';

/** Everything of the region an instance's wire form joins in. */
export interface InstanceJoin {
  enis: NetworkInterfaceDoc[];
  volumes: VolumeDoc[];
}

/** Loads the join data once for many instances. */
export async function loadJoin(r: Ec2Region): Promise<InstanceJoin> {
  return { enis: await r.all(r.enis), volumes: await r.all(r.volumes) };
}

/** The instances of the region still visible (terminated ones vanish after the retention period). */
export async function visibleInstances(r: Ec2Region): Promise<InstanceDoc[]> {
  const now = r.now();
  const out: InstanceDoc[] = [];
  for (const { id, value, revision } of await r.instances.list()) {
    if (expired(value, now, r.env.timing)) await r.instances.delete(id, revision);
    else out.push(value);
  }
  return out;
}

/** The instances named by `ids` (InvalidInstanceID.Malformed / .NotFound naming every missing one). */
export async function instancesByIds(r: Ec2Region, ids: string[]): Promise<InstanceDoc[]> {
  for (const id of ids) if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw Ec2Errors.instanceMalformed(id);
  const now = r.now();
  const found = await Promise.all([...new Set(ids)].map(async (id) => (await r.instances.get(id))?.value));
  const missing = [...new Set(ids)].filter((_, k) => !found[k] || expired(found[k]!, now, r.env.timing));
  if (missing.length) throw Ec2Errors.instanceNotFound(missing);
  return found as InstanceDoc[];
}

function eniWire(e: NetworkInterfaceDoc): Record<string, unknown> {
  return {
    ...e,
    Attachment: e.Attachment && { ...e.Attachment },
    PrivateIpAddresses: e.PrivateIpAddresses.map((a) => ({ ...a, Association: a.Primary ? e.Association : undefined })),
  };
}

/** The wire form of an instance. */
export function instanceWire(r: Ec2Region, i: InstanceDoc, join: InstanceJoin): Record<string, unknown> {
  const state = currentState(i, r.now(), r.env.timing).name;
  const live = state !== 'terminated';
  const hasPublic = live && state !== 'stopped' && state !== 'stopping' && i.PublicIpAddress !== undefined;
  const enis = join.enis.filter((e) => e.Attachment?.InstanceId === i.InstanceId).sort((a, b) => a.Attachment!.DeviceIndex - b.Attachment!.DeviceIndex);
  const volumes = join.volumes.flatMap((v) => v.Attachments.filter((a) => a.InstanceId === i.InstanceId));
  return {
    ...i,
    State: stateWire(state),
    PrivateIpAddress: live ? i.PrivateIpAddress : undefined,
    PrivateDnsName: live ? i.PrivateDnsName : '',
    PublicIpAddress: hasPublic ? i.PublicIpAddress : undefined,
    PublicDnsName: hasPublic ? publicDnsName(i.PublicIpAddress!, r.region) : '',
    StateTransitionReason: i.transitionReason,
    StateReason: i.stateReason,
    Placement: { AvailabilityZone: i.AvailabilityZone, AvailabilityZoneId: i.AvailabilityZoneId, GroupName: '', Tenancy: 'default' },
    Monitoring: { State: 'disabled' },
    ProductCodes: [],
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    BlockDeviceMappings: volumes.map((a) => ({ DeviceName: a.Device, Ebs: { AttachTime: a.AttachTime, DeleteOnTermination: a.DeleteOnTermination, Status: 'attached', VolumeId: a.VolumeId } })),
    EnaSupport: true,
    Hypervisor: 'xen',
    VirtualizationType: 'hvm',
    SourceDestCheck: true,
    NetworkInterfaces: enis.map(eniWire),
    SecurityGroups: i.SecurityGroups,
    CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
    HibernationOptions: { Configured: false },
    EnclaveOptions: { Enabled: false },
    MetadataOptions: { State: 'applied', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled', ...i.MetadataOptions },
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: i.LaunchTime,
    PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    MaintenanceOptions: { AutoRecovery: 'default' },
    CurrentInstanceBootMode: 'legacy-bios',
  };
}

/** One entry of Terminating/Stopping/StartingInstances. */
export interface StateChange {
  InstanceId: string;
  PreviousState: ReturnType<typeof stateWire>;
  CurrentState: ReturnType<typeof stateWire>;
}

function gmt(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT');
}

/** Moves one instance to `to` now (with compare-and-swap), returning the change. */
async function transition(r: Ec2Region, id: string, decide: (cur: InstanceStateName) => InstanceStateName | undefined, extra: (i: InstanceDoc) => Partial<InstanceDoc> = () => ({})): Promise<StateChange & { changed: boolean }> {
  let prev: InstanceStateName = 'pending';
  let next: InstanceStateName | undefined;
  await r.instances.modify(id, (i) => {
    prev = currentState(i, r.now(), r.env.timing).name;
    next = decide(prev);
    return next ? { ...i, ...extra(i), state: next, since: r.now() } : i;
  });
  return { InstanceId: id, PreviousState: stateWire(prev), CurrentState: stateWire(next ?? prev), changed: next !== undefined };
}

/** TerminateInstances: shutting-down now, terminated after the delay; addresses released at once. */
export async function terminateInstances(r: Ec2Region, ids: string[]): Promise<StateChange[]> {
  await instancesByIds(r, ids);
  const out: StateChange[] = [];
  for (const id of [...new Set(ids)]) {
    const reason = `User initiated (${gmt(r.now())})`;
    const c = await transition(r, id, (cur) => (cur === 'terminated' || cur === 'shutting-down' ? undefined : 'shutting-down'), () => ({
      transitionReason: reason,
      stateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' },
    }));
    if (c.changed) await releaseResources(r, id);
    out.push({ InstanceId: c.InstanceId, PreviousState: c.PreviousState, CurrentState: c.CurrentState });
  }
  return out;
}

/**
 * Frees what a terminated instance held: its own interfaces and addresses, the secondary
 * addresses held in its name (the VPC CNI's, in any subnet of its VPC), attached volumes.
 */
async function releaseResources(r: Ec2Region, instanceId: string): Promise<void> {
  const vpcId = (await r.instances.get(instanceId))?.value.VpcId;
  for (const s of await r.all(r.subnets)) if (s.VpcId === vpcId) await r.ipam.releaseOwnedBy(s, instanceId);
  for (const e of await r.all(r.enis)) {
    if (e.Attachment?.InstanceId !== instanceId) continue;
    if (e.Attachment.DeleteOnTermination) await deleteEni(r, e.NetworkInterfaceId);
    else await r.enis.modify(e.NetworkInterfaceId, ({ Attachment: _a, ...x }) => ({ ...x, Status: 'available' }));
  }
  for (const v of await r.all(r.volumes)) {
    const a = v.Attachments.find((x) => x.InstanceId === instanceId);
    if (!a) continue;
    if (a.DeleteOnTermination) await r.volumes.delete(v.VolumeId);
    else await r.volumes.modify(v.VolumeId, (x) => ({ ...x, Attachments: x.Attachments.filter((y) => y.InstanceId !== instanceId), state: x.Attachments.length > 1 ? 'in-use' : 'available' }));
  }
}

/** StopInstances: running or pending → stopping (→ stopped); the public address is released. */
export async function stopInstances(r: Ec2Region, ids: string[]): Promise<StateChange[]> {
  const now = r.now();
  for (const i of await instancesByIds(r, ids)) {
    const s = currentState(i, now, r.env.timing).name;
    if (s === 'terminated' || s === 'shutting-down') throw Ec2Errors.cannotStop(i.InstanceId);
  }
  const out: StateChange[] = [];
  for (const id of [...new Set(ids)]) {
    const c = await transition(r, id, (cur) => (cur === 'running' || cur === 'pending' ? 'stopping' : undefined), () => ({
      PublicIpAddress: undefined,
      transitionReason: `User initiated (${gmt(now)})`,
      stateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' },
    }));
    if (c.changed) await setPublicAddress(r, id, undefined);
    out.push({ InstanceId: c.InstanceId, PreviousState: c.PreviousState, CurrentState: c.CurrentState });
  }
  return out;
}

/** Shows (or removes) the instance's public address on its primary interface. */
async function setPublicAddress(r: Ec2Region, instanceId: string, ip: string | undefined): Promise<void> {
  const eniId = (await r.instances.get(instanceId))?.value.primaryEniId;
  if (!eniId) return;
  await r.enis.modify(eniId, ({ Association: _old, ...e }) => (ip ? { ...e, Association: { PublicIp: ip, PublicDnsName: publicDnsName(ip, r.region), IpOwnerId: 'amazon' } } : e));
}

/** StartInstances: stopped → pending (→ running), with a new public address where the subnet maps one. */
export async function startInstances(r: Ec2Region, ids: string[]): Promise<StateChange[]> {
  const now = r.now();
  for (const i of await instancesByIds(r, ids)) {
    const s = currentState(i, now, r.env.timing).name;
    if (s !== 'stopped' && s !== 'running' && s !== 'pending') throw Ec2Errors.cannotStart(i.InstanceId);
  }
  const out: StateChange[] = [];
  for (const id of [...new Set(ids)]) {
    const subnet = await r.subnets.get((await r.instances.get(id))!.value.SubnetId);
    const ip = subnet?.value.MapPublicIpOnLaunch ? newPublicIp() : undefined;
    const c = await transition(r, id, (cur) => (cur === 'stopped' ? 'pending' : undefined), () => ({ PublicIpAddress: ip, transitionReason: '', stateReason: undefined }));
    if (c.changed) await setPublicAddress(r, id, ip);
    out.push({ InstanceId: c.InstanceId, PreviousState: c.PreviousState, CurrentState: c.CurrentState });
  }
  return out;
}
