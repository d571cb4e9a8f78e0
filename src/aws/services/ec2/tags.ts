/**
 * Tags on EC2 resources: TagSpecifications on create calls, CreateTags / DeleteTags / DescribeTags
 * across every taggable table (found by id prefix, as EC2 routes them), with EC2's checks — reserved
 * `aws:` keys, at most 50 tags, resource types a create call accepts.
 */
import type { Table } from '../../state/table.js';
import type { AwsError } from '../../types.js';
import { Ec2Errors } from './errors.js';
import { applyFilters } from './filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from './handler.js';
import type { Tag } from './model.js';
import { paginate } from './paginate.js';
import type { Ec2Region } from './state.js';

const MAX_TAGS = 50;

/** Tags of `resourceType` from TagSpecifications; a spec for a type outside `allowed` is refused. */
export function tagsFromSpecs(specs: TagSpec[] | undefined, resourceType: string, allowed: readonly string[] = [resourceType]): Tag[] {
  let out: Tag[] = [];
  for (const s of specs ?? []) {
    const type = s.ResourceType ?? '';
    if (!allowed.includes(type)) throw Ec2Errors.badTagResourceType(type);
    if (type === resourceType) out = mergeTags(out, s.Tags ?? []);
  }
  return out;
}

/** `existing` with `add` set (same key: replaced), checked for reserved keys and the limit. */
export function mergeTags(existing: Tag[], add: Partial<Tag>[]): Tag[] {
  const out = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of add) {
    const key = t.Key ?? '';
    if (key.toLowerCase().startsWith('aws:')) throw Ec2Errors.tagKeyReserved();
    out.set(key, t.Value ?? '');
  }
  if (out.size > MAX_TAGS) throw Ec2Errors.tagLimit();
  return [...out].map(([Key, Value]) => ({ Key, Value }));
}

/** `existing` without the tags named in `remove` (a given Value must match too; no list: all). */
export function removeTags(existing: Tag[], remove: Partial<Tag>[] | undefined): Tag[] {
  if (!remove) return [];
  return existing.filter((t) => !remove.some((x) => x.Key === t.Key && (x.Value === undefined || x.Value === t.Value)));
}

/** `{ key: value }` as EC2 tags. */
export function tagList(map: Record<string, string> | undefined): Tag[] {
  return Object.entries(map ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/** EC2 tags as `{ key: value }`. */
export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
}

interface Taggable {
  type: string;
  table: (r: Ec2Region) => Table<Record<string, unknown>>;
  field: 'Tags' | 'TagSet';
  missing: (id: string) => AwsError;
}

const T = (type: string, table: (r: Ec2Region) => unknown, missing: (id: string) => AwsError, field: 'Tags' | 'TagSet' = 'Tags'): Taggable =>
  ({ type, table: table as Taggable['table'], field, missing });

/** Taggable resources by id prefix. */
const TAGGABLE: Record<string, Taggable> = {
  vpc: T('vpc', (r) => r.vpcs, Ec2Errors.vpcNotFound),
  subnet: T('subnet', (r) => r.subnets, Ec2Errors.subnetNotFound),
  sg: T('security-group', (r) => r.groups, Ec2Errors.groupNotFound),
  igw: T('internet-gateway', (r) => r.igws, Ec2Errors.igwNotFound),
  rtb: T('route-table', (r) => r.routeTables, Ec2Errors.routeTableNotFound),
  eni: T('network-interface', (r) => r.enis, Ec2Errors.eniNotFound, 'TagSet'),
  i: T('instance', (r) => r.instances, (id) => Ec2Errors.instanceNotFound([id])),
  key: T('key-pair', (r) => r.keyPairs, Ec2Errors.keyPairNotFound),
  vol: T('volume', (r) => r.volumes, Ec2Errors.volumeNotFound),
  lt: T('launch-template', (r) => r.launchTemplates, Ec2Errors.ltNotFoundId),
  eipalloc: T('elastic-ip', (r) => r.addresses, Ec2Errors.allocationNotFound),
  nat: T('natgateway', (r) => r.natGateways, Ec2Errors.natNotFound),
};

function taggableOf(id: string): Taggable {
  const t = TAGGABLE[id.slice(0, id.indexOf('-'))];
  if (!t || id.indexOf('-') < 0) throw Ec2Errors.invalidId(id);
  return t;
}

async function retag(r: Ec2Region, ids: string[], change: (tags: Tag[]) => Tag[]): Promise<void> {
  for (const id of ids) {
    const t = taggableOf(id);
    if (!(await t.table(r).get(id))) throw t.missing(id);
  }
  for (const id of ids) {
    const t = taggableOf(id);
    await t.table(r).modify(id, (doc) => ({ ...doc, [t.field]: change((doc[t.field] as Tag[] | undefined) ?? []) }));
  }
}

interface TagDescription {
  ResourceId: string;
  ResourceType: string;
  Key: string;
  Value: string;
}

/** CreateTags, DeleteTags, DescribeTags. */
export const tagHandlers: Record<string, Ec2Handler> = {
  CreateTags: op<{ Resources: string[]; Tags: Partial<Tag>[] }>(async (i, r) => {
    await retag(r, i.Resources, (tags) => mergeTags(tags, i.Tags));
    return {};
  }),
  DeleteTags: op<{ Resources: string[]; Tags?: Partial<Tag>[] }>(async (i, r) => {
    await retag(r, i.Resources, (tags) => removeTags(tags, i.Tags));
    return {};
  }),
  DescribeTags: op<DescribeInput>(async (i, r) => {
    const all: TagDescription[] = [];
    for (const [prefix, t] of Object.entries(TAGGABLE)) {
      for (const { id, value } of await t.table(r).list()) {
        if (!id.startsWith(prefix + '-')) continue;
        for (const tag of (value[t.field] as Tag[] | undefined) ?? []) all.push({ ResourceId: id, ResourceType: t.type, Key: tag.Key, Value: tag.Value });
      }
    }
    const hits = applyFilters(all, i.Filters, {
      'resource-id': (x) => x.ResourceId,
      'resource-type': (x) => x.ResourceType,
      key: (x) => x.Key,
      value: (x) => x.Value,
    }, (x) => [{ Key: x.Key, Value: x.Value }]);
    const { page, nextToken } = paginate(hits, (x) => `${x.ResourceId}\u0000${x.Key}`, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { Tags: page, NextToken: nextToken };
  }),
};
