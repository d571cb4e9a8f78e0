/**
 * The pod-template-hash, as upstream's controller.ComputeHash: a 32-bit FNV-1a over the pod
 * template, followed by the collision count as 8 little-endian bytes when the Deployment has one,
 * printed in decimal and passed through rand.SafeEncodeString (each character mapped into an
 * alphabet without vowels or look-alikes), which gives names such as `web-7d4b9c8f6d`.
 * Upstream hashes Go's spew dump of the struct; we hash a canonical JSON form (keys sorted, empty
 * values dropped), so names have the same shape and stability but not the same letters.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

/** The label every ReplicaSet and pod of a Deployment carries (DefaultDeploymentUniqueLabelKey). */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: every byte of `s` mapped to SAFE_ALPHABET[byte mod 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/** 32-bit FNV-1a of `bytes`, continuing from `hash`. */
export function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The hash of `template` (+ collisionCount) a new ReplicaSet is named and labelled with. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount: number | undefined): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/**
 * Whether two templates are equal once the pod-template-hash label is ignored (EqualIgnoreHash
 * over apiequality.Semantic, where nil and empty lists and maps are equal).
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...t, metadata: { ...t?.metadata, labels } };
}

/** JSON with object keys sorted and null, undefined, empty lists and empty maps left out. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(normalize(v)) ?? 'null';
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map((x) => normalize(x) ?? null) : undefined;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalize((v as Record<string, unknown>)[k]);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v ?? undefined;
}
