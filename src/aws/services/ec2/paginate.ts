/**
 * MaxResults / NextToken paging of Describe answers. Items are ordered by a stable key (the
 * resource id) and the token names the last key returned, so a page boundary survives resources
 * being added or removed between calls. Tokens are opaque base64url text; a token that does not
 * decode is EC2's InvalidNextToken.
 */
import { Ec2Errors } from './errors.js';

/** One page and the token of the next (absent on the last page). */
export interface Page<T> {
  page: T[];
  nextToken?: string;
}

/** Encodes the position after `key`. */
export function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

/** The key a token continues after; throws InvalidNextToken for a foreign token. */
export function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    // fall through
  }
  throw Ec2Errors.nextTokenInvalid(token);
}

/** The page of `items` (sorted here by `keyOf`) after `nextToken`, at most `maxResults` long. */
export function paginate<T>(items: T[], keyOf: (t: T) => string, o: { maxResults?: number; nextToken?: string }): Page<T> {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const after = o.nextToken ? decodeToken(o.nextToken) : undefined;
  const start = after === undefined ? 0 : sorted.findIndex((x) => keyOf(x) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  if (o.maxResults === undefined || rest.length <= o.maxResults) return { page: rest };
  const page = rest.slice(0, o.maxResults);
  return { page, nextToken: encodeToken(keyOf(page[page.length - 1]!)) };
}
