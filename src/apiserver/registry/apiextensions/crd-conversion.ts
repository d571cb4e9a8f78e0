/**
 * How a CRD's served version reads and writes objects kept in its storage version, as
 * apiextensions-apiserver's converters: `None` rewrites apiVersion and changes nothing else
 * (nopConverter), `Webhook` asks the CRD's conversion webhook (conversion-webhook.ts). Objects
 * already in the wanted version are never sent to a webhook; a stored object written under a
 * former storage version converts from the version it carries.
 */
import { internalError } from '../../../apimachinery/errors.js';
import type { CustomResourceDefinition } from '../../../apimachinery/crd/types.js';
import type { KObject, StorageConversion } from '../resource.js';
import { ConversionError, convertThroughWebhook, type ConversionWebhook } from './conversion-webhook.js';

const PREFIX = '{"apiVersion":"';

/** The apiVersion at the start of stored JSON (objects are stored apiVersion first). */
function storedApiVersion(json: string): string | undefined {
  if (!json.startsWith(PREFIX)) return undefined;
  const end = json.indexOf('"', PREFIX.length);
  return end < 0 ? undefined : json.slice(PREFIX.length, end);
}

/** The conversion for `version` of `crd`; undefined when the CRD has no storage version. */
export function crdStorageConversion(crd: CustomResourceDefinition, version: string): StorageConversion | undefined {
  const spec = crd.spec ?? {};
  const group = spec.group ?? '';
  const storage = spec.versions?.find((v) => v.storage)?.name;
  if (!storage) return undefined;
  const served = `${group}/${version}`;
  const stored = `${group}/${storage}`;
  const conv = spec.conversion;
  if (conv?.strategy === 'Webhook' && conv.webhook?.clientConfig) return webhookConversion({ clientConfig: conv.webhook.clientConfig, conversionReviewVersions: conv.webhook.conversionReviewVersions ?? [] }, served, stored);
  const to = (gv: string) => (o: KObject): KObject => (o.apiVersion === gv ? o : { ...o, apiVersion: gv });
  return {
    synchronous: true,
    toStorage: to(stored),
    fromStorage: (objs) => objs.map(to(served)),
    fromStorageJson(json) {
      const av = storedApiVersion(json);
      if (av === undefined) return undefined;
      return av === served ? json : `${PREFIX}${served}${json.slice(PREFIX.length + av.length)}`;
    },
  };
}

function webhookConversion(hook: ConversionWebhook, served: string, stored: string): StorageConversion {
  const convert = async (objs: KObject[], to: string): Promise<KObject[]> => {
    const out = objs.slice();
    const todo = objs.flatMap((o, i) => (o.apiVersion === to ? [] : [i]));
    if (!todo.length) return out;
    try {
      const converted = await convertThroughWebhook(hook, todo.map((i) => objs[i]!), to);
      todo.forEach((i, j) => (out[i] = converted[j]!));
    } catch (err) {
      if (err instanceof ConversionError) throw internalError(err.message);
      throw err;
    }
    return out;
  };
  return {
    synchronous: false,
    toStorage: async (obj) => (await convert([obj], stored))[0]!,
    fromStorage: (objs) => convert(objs, served),
    fromStorageJson: (json) => (storedApiVersion(json) === served ? json : undefined),
  };
}
