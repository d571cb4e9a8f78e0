/**
 * The API server's transport-neutral request and response. The HTTP adapter and the in-process
 * transport (for our own controllers) both speak this, so everything behind it is tested once.
 */

/** Who is calling, after authentication. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ApiRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the handler. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body?: Buffer;
  user: UserInfo;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /**
   * The caller takes a collection answer (list, Table) as an ApiListBody instead of one string:
   * the HTTP front streams it, the in-process transport parses it item by item. Callers that do
   * not say so (tests calling `handle`) get the complete string.
   */
  listParts?: boolean;
}

/** A stream of watch events: `start` begins writing; it returns when the stream ends. */
export interface ApiStream {
  contentType: string;
  /**
   * Writes chunks through `write` until the watch ends (timeout, error, client gone). `write`
   * returns false when the consumer's buffer is full; the stream then decides whether to drop it.
   */
  run(write: (chunk: string) => boolean, signal: AbortSignal): Promise<void>;
}

/**
 * A collection answer in parts, so that no one builds the whole body as one string: an unpaged
 * list of 100k pods is ~450 MB of JSON, whose join (and the major GC it triggers) and re-parse
 * cost seconds. The body is `head`, the items separated by commas, then `tail` — e.g.
 * `{"kind":"PodList",…,"items":[` + each cached pod's served JSON + `]}` — which is how
 * kube-apiserver's streaming list encoding (KEP-5116) writes lists item by item.
 */
export interface ApiListBody {
  contentType: string;
  /** Everything before the first item, ending with the items array's `[`. */
  head: string;
  /** Each item's JSON, in order (the cache's served strings, shared, never copied). */
  items: readonly string[];
  /** Everything after the last item (`]}`). */
  tail: string;
}

/** Whether a response body is a collection in parts. */
export function isListBody(b: ApiResponse['body']): b is ApiListBody {
  return typeof b === 'object' && !Buffer.isBuffer(b) && Array.isArray((b as ApiListBody).items);
}

/** The complete text of a collection in parts (for callers that want one string). */
export function listBodyText(b: ApiListBody): string {
  return `${b.head}${b.items.join(',')}${b.tail}`;
}

export interface ApiResponse {
  status: number;
  /** Lower-case names; a list sends the header once per value (e.g. several `warning`s). */
  headers: Record<string, string | string[]>;
  /** A complete body, a stream (watch), or a collection in parts (only if the request took them). */
  body: string | Buffer | ApiStream | ApiListBody;
}
