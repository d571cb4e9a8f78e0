/**
 * Calls a CRD's conversion webhook as apiextensions-apiserver's webhookConverter does: one
 * ConversionReview (the first of the CRD's conversionReviewVersions this server speaks) with
 * every object to convert and the desired apiVersion, POSTed over HTTPS trusting the
 * clientConfig's caBundle; the answer's uid, result and object count are checked, and each
 * converted object may change nothing in metadata but labels and annotations (upstream's
 * restoreObjectMeta). A `service` clientConfig cannot be reached: no pods run behind services here.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import type { WebhookClientConfig } from '../../../apimachinery/crd/types.js';
import type { KObject } from '../resource.js';

/** What a conversion webhook is asked, per CRD. */
export interface ConversionWebhook {
  clientConfig: WebhookClientConfig;
  conversionReviewVersions: string[];
}

/** Upstream's webhook timeout for conversion (the per-request default of the webhook client). */
const TIMEOUT_MS = 30_000;

/** The reason a webhook call failed, worded as upstream's converter (`conversion webhook for <gvk> failed: …`). */
export class ConversionError extends Error {}

const gvkText = (o: KObject) => {
  const av = o.apiVersion ?? '';
  return av.includes('/') ? `${av}, Kind=${o.kind ?? ''}` : `/${av}, Kind=${o.kind ?? ''}`;
};

/** Converts `objects` to `desiredAPIVersion` through the webhook; throws a ConversionError. */
export async function convertThroughWebhook(hook: ConversionWebhook, objects: KObject[], desiredAPIVersion: string): Promise<KObject[]> {
  if (!objects.length) return [];
  const what = gvkText(objects[0]!);
  const fail = (why: string) => new ConversionError(`conversion webhook for ${what} failed: ${why}`);
  const reviewVersion = hook.conversionReviewVersions.find((v) => v === 'v1' || v === 'v1beta1');
  if (!reviewVersion) throw new ConversionError('no supported conversion review versions');
  const { url, service, caBundle } = hook.clientConfig;
  if (!url) {
    const host = `${service?.name ?? ''}.${service?.namespace ?? ''}.svc:${service?.port ?? 443}`;
    throw fail(`Post "https://${host}${service?.path ?? ''}?timeout=30s": service ${service?.namespace ?? ''}/${service?.name ?? ''} has no reachable endpoints: eksplane runs no pods, use a clientConfig.url`);
  }
  const uid = randomUUID();
  const review = { apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion, objects } };
  let answer: { apiVersion?: string; kind?: string; response?: { uid?: string; result?: { status?: string; message?: string }; convertedObjects?: KObject[] } };
  try {
    answer = JSON.parse(await post(url, caBundle, JSON.stringify(review))) as typeof answer;
  } catch (err) {
    throw fail(`Post "${url}?timeout=30s": ${err instanceof Error ? err.message : String(err)}`);
  }
  if (reviewVersion === 'v1' && (answer.apiVersion !== 'apiextensions.k8s.io/v1' || answer.kind !== 'ConversionReview'))
    throw fail(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gvkText(answer as KObject)}`);
  const res = answer.response;
  if (!res) throw fail('no response provided');
  if (reviewVersion === 'v1' && res.uid !== uid) throw fail(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(res.uid ?? '')}`);
  if (res.result?.status !== 'Success') throw fail(res.result?.message || `response.result.status was '${res.result?.status ?? ''}', not 'Success'`);
  const out = res.convertedObjects ?? [];
  if (out.length !== objects.length) throw new ConversionError(`conversion webhook for ${what} returned ${out.length} objects, expected ${objects.length}`);
  return out.map((o, i) => restoreMeta(objects[i]!, o, i, desiredAPIVersion));
}

/** Checks one converted object and keeps the original's metadata but for labels and annotations. */
function restoreMeta(original: KObject, converted: KObject, i: number, desired: string): KObject {
  const bad = (why: string) => new ConversionError(`invalid converted object at index ${i}: ${why}`);
  if (!converted || typeof converted !== 'object') throw bad('not an object');
  if (converted.apiVersion !== desired) throw bad(`invalid apiVersion ${JSON.stringify(converted.apiVersion ?? '')}, expected ${JSON.stringify(desired)}`);
  if (converted.kind !== original.kind) throw bad(`invalid kind ${JSON.stringify(converted.kind ?? '')}, expected ${JSON.stringify(original.kind ?? '')}`);
  const meta = { ...(original.metadata ?? {}) };
  const { labels, annotations } = converted.metadata ?? {};
  if (labels) meta.labels = labels;
  else delete meta.labels;
  if (annotations) meta.annotations = annotations;
  else delete meta.annotations;
  return { ...converted, metadata: meta };
}

function post(url: string, caBundle: string | undefined, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    u.searchParams.set('timeout', '30s');
    const req = request(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
      ...(caBundle ? { ca: Buffer.from(caBundle, 'base64').toString('utf8') } : {}),
      timeout: TIMEOUT_MS,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`the server responded with the status code ${res.statusCode} but did not return more information`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end(body);
  });
}
