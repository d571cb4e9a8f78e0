/**
 * TagResource, UntagResource, ListTagsForResource over any taggable EKS ARN. The ARN's resource
 * type picks a {@link TagResolver} (clusters and access entries here; node groups, Fargate
 * profiles, add-ons and pod identity associations through the conventional tables, replaceable
 * by their extensions), which names the stored record whose `tags` change. The record's own ARN
 * must equal the request's (a node group ARN carries a UUID: a recreated group is another one).
 * Errors are the tag operations' own NotFoundException / BadRequestException (model).
 */
import { setOwn } from '../../../protocol/values.js';
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG } from '../errors.js';
import { mutate, scopeOf, type EksRuntime, type ParsedEksArn, type TagResolver, type TagTarget } from '../runtime.js';
import { childId, KIND, tableOf, type AccessEntryRecord } from '../state.js';

const MAX_TAGS = 50;

/** Takes an EKS ARN apart; undefined when it is not one. */
export function parseEksArn(arn: string): ParsedEksArn | undefined {
  const m = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return { arn, scope: { region: m[1]!, account: m[2]! }, resourceType: m[3]!, parts: m[4]!.split('/') };
}

/** A resolver for `<type>/<cluster>/<name>[/<uuid>]` ARNs stored as `<cluster>/<name>` in `kind`. */
function childResolver(kind: string, arnField: string): TagResolver {
  return async (a) => (a.parts.length >= 2 ? { kind, id: childId(a.parts[0]!, a.parts[1]!), arnField } : undefined);
}

/** The resolvers this part of EKS provides. */
export const DEFAULT_TAG_RESOLVERS: Record<string, TagResolver> = {
  cluster: async (a) => (a.parts.length === 1 ? { kind: KIND.clusters, id: a.parts[0]!, arnField: 'arn' } : undefined),
  nodegroup: childResolver(KIND.nodegroups, 'nodegroupArn'),
  fargateprofile: childResolver(KIND.fargateProfiles, 'fargateProfileArn'),
  addon: childResolver(KIND.addons, 'addonArn'),
  podidentityassociation: childResolver(KIND.podIdentityAssociations, 'associationArn'),
  'access-entry': async (a, rt) => {
    const cluster = a.parts[0];
    if (!cluster) return undefined;
    const rows = await tableOf<AccessEntryRecord>(rt.store, a.scope, KIND.accessEntries).listUnder(`${cluster}/`);
    const row = rows.find((r) => r.value.accessEntryArn === a.arn);
    return row ? { kind: KIND.accessEntries, id: row.id, arnField: 'accessEntryArn' } : undefined;
  },
};

/** The tag handlers. */
export function tagHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  async function locate(arn: string, ctx: { account: string; region: string }): Promise<TagTarget & { scope: ParsedEksArn['scope'] }> {
    const a = parseEksArn(arn);
    if (!a) throw eksError('BadRequestException', MSG.tagBadArn(arn));
    const here = scopeOf(ctx);
    const resolver = rt.tagResolvers.get(a.resourceType);
    const t = a.scope.account === here.account && a.scope.region === here.region && resolver ? await resolver(a, rt) : undefined;
    if (!t) throw eksError('NotFoundException', MSG.tagResourceNotFound);
    const rec = await tableOf<Record<string, unknown>>(rt.store, a.scope, t.kind).get(t.id);
    if (!rec || rec.value[t.arnField] !== arn) throw eksError('NotFoundException', MSG.tagResourceNotFound);
    return { ...t, scope: a.scope };
  }

  async function retag(arn: string, ctx: { account: string; region: string }, change: (tags: Record<string, string>) => Record<string, string>): Promise<void> {
    const t = await locate(arn, ctx);
    const refusal: { err?: Error } = {};
    const table = tableOf<Record<string, unknown> & { tags?: Record<string, string> }>(rt.store, t.scope, t.kind);
    const done = await mutate(table, t.id, (rec) => {
      const tags = change({ ...(rec.tags ?? {}) });
      if (Object.keys(tags).length > MAX_TAGS) {
        refusal.err = eksError('BadRequestException', MSG.tooManyTags);
        return undefined;
      }
      return { ...rec, tags };
    });
    if (refusal.err) throw refusal.err;
    if (!done) throw eksError('NotFoundException', MSG.tagResourceNotFound);
  }

  return {
    async TagResource(input, ctx) {
      const add = input.tags as Record<string, string>;
      await retag(input.resourceArn as string, ctx, (tags) => {
        for (const [k, v] of Object.entries(add)) setOwn(tags, k, v);
        return tags;
      });
      return {};
    },

    async UntagResource(input, ctx) {
      const keys = input.tagKeys as string[];
      await retag(input.resourceArn as string, ctx, (tags) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k))));
      return {};
    },

    async ListTagsForResource(input, ctx) {
      const t = await locate(input.resourceArn as string, ctx);
      const rec = await tableOf<{ tags?: Record<string, string> }>(rt.store, t.scope, t.kind).get(t.id);
      return { tags: rec?.value.tags ?? {} };
    },
  };
}
