/**
 * EBS volumes: CreateVolume in a zone (creating → available after the volume delay, read lazily),
 * DescribeVolumes, DeleteVolume (not while attached), AttachVolume / DetachVolume to instances in
 * the same zone. Default type gp2 (3 IOPS/GiB, 100–16,000) and gp3's 3,000 IOPS / 125 MiB/s.
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import { currentState } from '../instance-state.js';
import type { VolumeDoc } from '../model.js';
import { paginate } from '../paginate.js';
import { findZone } from '../regions.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

const SIZE_LIMITS: Record<string, [number, number]> = { gp2: [1, 16384], gp3: [1, 16384], io1: [4, 16384], io2: [4, 65536], st1: [125, 16384], sc1: [125, 16384], standard: [1, 1024] };

/** The volume's state now (creating turns available after the delay). */
export function volumeState(r: Ec2Region, v: VolumeDoc): string {
  return v.state === 'creating' && r.now() >= v.since + r.env.timing.volumeCreateMs ? 'available' : v.state;
}

function volumeWire(r: Ec2Region, v: VolumeDoc): Record<string, unknown> {
  return { ...v, State: volumeState(r, v), SnapshotId: v.SnapshotId };
}

const FIELDS = {
  'volume-id': (v: { doc: VolumeDoc; state: string }) => v.doc.VolumeId,
  'availability-zone': (v: { doc: VolumeDoc; state: string }) => v.doc.AvailabilityZone,
  status: (v: { doc: VolumeDoc; state: string }) => v.state,
  size: (v: { doc: VolumeDoc; state: string }) => v.doc.Size,
  'volume-type': (v: { doc: VolumeDoc; state: string }) => v.doc.VolumeType,
  encrypted: (v: { doc: VolumeDoc; state: string }) => v.doc.Encrypted,
  'snapshot-id': (v: { doc: VolumeDoc; state: string }) => v.doc.SnapshotId,
  'attachment.instance-id': (v: { doc: VolumeDoc; state: string }) => v.doc.Attachments.map((a) => a.InstanceId),
  'attachment.device': (v: { doc: VolumeDoc; state: string }) => v.doc.Attachments.map((a) => a.Device),
  'attachment.status': (v: { doc: VolumeDoc; state: string }) => v.doc.Attachments.map((a) => a.State),
  'attachment.delete-on-termination': (v: { doc: VolumeDoc; state: string }) => v.doc.Attachments.map((a) => a.DeleteOnTermination),
};

interface CreateVolumeInput {
  AvailabilityZone?: string;
  AvailabilityZoneId?: string;
  Size?: number;
  SnapshotId?: string;
  VolumeType?: string;
  Iops?: number;
  Throughput?: number;
  Encrypted?: boolean;
  KmsKeyId?: string;
  MultiAttachEnabled?: boolean;
  TagSpecifications?: TagSpec[];
}

/** Volume operations. */
export const volumeHandlers: Record<string, Ec2Handler> = {
  CreateVolume: op<CreateVolumeInput>(async (i, r) => {
    const zoneName = i.AvailabilityZone ?? i.AvailabilityZoneId;
    if (!zoneName) throw Ec2Errors.missingParameter('AvailabilityZone');
    const zone = findZone(r.region, zoneName);
    if (!zone) throw Ec2Errors.zoneNotFound(zoneName);
    if (i.Size === undefined && !i.SnapshotId) throw Ec2Errors.missingParameter('size');
    const type = i.VolumeType ?? 'gp2';
    const size = i.Size ?? 8;
    const [min, max] = SIZE_LIMITS[type] ?? [1, 16384];
    if (size > max) throw Ec2Errors.volumeTooLarge(size, max);
    if (size < min) throw Ec2Errors.volumeTooSmall(size, min);
    if ((type === 'io1' || type === 'io2') && i.Iops === undefined) throw Ec2Errors.missingParameter('iops');
    const doc: VolumeDoc = {
      VolumeId: newId('vol'),
      Size: size,
      SnapshotId: i.SnapshotId ?? '',
      AvailabilityZone: zone.name,
      AvailabilityZoneId: zone.id,
      VolumeType: type,
      Iops: type === 'gp2' ? Math.min(16000, Math.max(100, 3 * size)) : type === 'gp3' ? (i.Iops ?? 3000) : i.Iops,
      Throughput: type === 'gp3' ? (i.Throughput ?? 125) : undefined,
      Encrypted: i.Encrypted ?? false,
      KmsKeyId: i.Encrypted ? (i.KmsKeyId ?? `arn:aws:kms:${r.region}:${r.account}:alias/aws/ebs`) : undefined,
      MultiAttachEnabled: i.MultiAttachEnabled ?? false,
      CreateTime: r.now(),
      Tags: tagsFromSpecs(i.TagSpecifications, 'volume'),
      Attachments: [],
      state: 'creating',
      since: r.now(),
    };
    await r.volumes.create(doc.VolumeId, doc);
    return volumeWire(r, doc);
  }),

  DescribeVolumes: op<DescribeInput & { VolumeIds?: string[] }>(async (i, r) => {
    const all = (await r.byIds(r.volumes, i.VolumeIds, Ec2Errors.volumeNotFound)).map((doc) => ({ doc, state: volumeState(r, doc) }));
    const hits = applyFilters(all, i.Filters, FIELDS, (v) => v.doc.Tags);
    const { page, nextToken } = paginate(hits, (v) => v.doc.VolumeId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { Volumes: page.map((v) => volumeWire(r, v.doc)), NextToken: nextToken };
  }),

  DeleteVolume: op<{ VolumeId: string }>(async (i, r) => {
    const v = await r.must(r.volumes, i.VolumeId, Ec2Errors.volumeNotFound);
    const a = v.Attachments[0];
    if (a) throw Ec2Errors.volumeInUse(v.VolumeId, a.InstanceId);
    await r.volumes.delete(v.VolumeId);
    return {};
  }),

  AttachVolume: op<{ VolumeId: string; InstanceId: string; Device: string }>(async (i, r) => {
    const v = await r.must(r.volumes, i.VolumeId, Ec2Errors.volumeNotFound);
    const inst = await r.must(r.instances, i.InstanceId, (id) => Ec2Errors.instanceNotFound([id]));
    const state = volumeState(r, v);
    if (v.Attachments[0] && !v.MultiAttachEnabled) throw Ec2Errors.volumeInUse(v.VolumeId, v.Attachments[0].InstanceId);
    if (state === 'creating') throw Ec2Errors.volumeNotAvailable(v.VolumeId, state);
    if (!['running', 'stopped', 'pending'].includes(currentState(inst, r.now(), r.env.timing).name)) throw Ec2Errors.instanceNotUsable(inst.InstanceId);
    if (v.AvailabilityZone !== inst.AvailabilityZone) throw Ec2Errors.volumeZoneMismatch(v.VolumeId, inst.InstanceId);
    if ((await r.all(r.volumes)).some((x) => x.Attachments.some((a) => a.InstanceId === inst.InstanceId && a.Device === i.Device))) throw Ec2Errors.deviceInUse(i.Device);
    const att = { VolumeId: v.VolumeId, InstanceId: inst.InstanceId, Device: i.Device, State: 'attached', AttachTime: r.now(), DeleteOnTermination: false };
    await r.volumes.modify(v.VolumeId, (x) => ({ ...x, state: 'in-use', Attachments: [...x.Attachments, att] }));
    return { ...att, State: 'attaching' };
  }),

  DetachVolume: op<{ VolumeId: string; InstanceId?: string; Device?: string }>(async (i, r) => {
    const v = await r.must(r.volumes, i.VolumeId, Ec2Errors.volumeNotFound);
    const a = v.Attachments.find((x) => (!i.InstanceId || x.InstanceId === i.InstanceId) && (!i.Device || x.Device === i.Device));
    if (!a) throw Ec2Errors.volumeNotAttached(v.VolumeId, i.InstanceId ?? '');
    await r.volumes.modify(v.VolumeId, (x) => {
      const rest = x.Attachments.filter((y) => y.InstanceId !== a.InstanceId);
      return { ...x, Attachments: rest, state: rest.length ? 'in-use' : 'available', since: x.since };
    });
    return { ...a, State: 'detaching' };
  }),
};
