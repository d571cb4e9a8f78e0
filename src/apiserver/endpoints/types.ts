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

export interface ApiResponse {
  status: number;
  /** Lower-case names; a list sends the header once per value (e.g. several `warning`s). */
  headers: Record<string, string | string[]>;
  /** A complete body, or a stream (watch). */
  body: string | Buffer | ApiStream;
}
