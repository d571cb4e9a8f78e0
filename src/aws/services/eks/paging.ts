/**
 * EKS pagination: `maxResults` (1–100, default 100, range checked by the model) and an opaque
 * `nextToken`. Tokens are base64url JSON naming where the next page starts, so a page read from
 * the store is one key range and a token stays valid across restarts.
 */
import { eksError, MSG, type EksErrorFields } from './errors.js';

const DEFAULT_MAX = 100;

/** Encodes a position for a nextToken. */
export function encodeToken(pos: { after?: string; offset?: number }): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url');
}

/** Decodes a nextToken; an unreadable one is InvalidParameterException. */
export function decodeToken(token: unknown, fields: EksErrorFields = {}): { after?: string; offset?: number } {
  if (token === undefined) return {};
  try {
    const v = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.after === 'string') return { after: o.after };
      if (typeof o.offset === 'number' && Number.isInteger(o.offset) && o.offset >= 0) return { offset: o.offset };
    }
  } catch {
    // fall through
  }
  throw eksError('InvalidParameterException', MSG.invalidNextToken, fields);
}

/** The page size a request asks for. */
export function pageSize(maxResults: unknown): number {
  return typeof maxResults === 'number' ? maxResults : DEFAULT_MAX;
}

/** One page of an in-memory list, with the token of the next one. */
export function pageArray<T>(items: readonly T[], input: { maxResults?: unknown; nextToken?: unknown }, fields: EksErrorFields = {}): { page: T[]; nextToken?: string } {
  const offset = decodeToken(input.nextToken, fields).offset ?? 0;
  const size = pageSize(input.maxResults);
  const page = items.slice(offset, offset + size);
  return { page, nextToken: offset + size < items.length ? encodeToken({ offset: offset + size }) : undefined };
}
