/**
 * The HTTPS call to an admission webhook, as the apiserver's webhook client makes it: POST of the
 * AdmissionReview JSON to clientConfig.url with `?timeout=<n>s`, the server verified against
 * clientConfig.caBundle (the system roots when absent), given up after timeoutSeconds on the
 * injected clock. Failures are WebhookCallError with Go-worded reasons (`Post "<url>": context
 * deadline exceeded`, `… connect: connection refused`, `x509: certificate signed by unknown
 * authority`) so that kubectl users see what they know.
 */
import { request } from 'node:https';
import type { Clock } from '../../../lib/clock.js';

/** A webhook that could not be called or answered unusably: subject to failurePolicy. */
export class WebhookCallError extends Error {
  constructor(readonly webhook: string, readonly reason: string) {
    super(`failed calling webhook "${webhook}": ${reason}`);
    this.name = 'WebhookCallError';
  }
}

/** Largest response body read (upstream reads at most 3 MiB of a webhook's answer). */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** What `Post "<url>": <why>` says for a Node network error, in Go's words. */
function goNetError(err: NodeJS.ErrnoException, url: URL): string {
  const hostPort = `${url.hostname}:${url.port || 443}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'ECONNRESET':
      return 'EOF';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${url.hostname}`;
    default:
      return err.message;
  }
}

/** One call to make. */
export interface WebhookCall {
  /** The webhook's name, for errors. */
  webhook: string;
  url: string;
  /** base64 PEM bundle; absent: Node's default roots. */
  caBundle?: string;
  timeoutSeconds: number;
  body: unknown;
  clock: Clock;
}

/** POSTs the review; resolves to the parsed JSON answer of a 200, or rejects with a WebhookCallError. */
export function callWebhook(c: WebhookCall): Promise<unknown> {
  const url = new URL(c.url);
  url.searchParams.set('timeout', `${c.timeoutSeconds}s`);
  const shown = url.toString();
  const fail = (why: string) => new WebhookCallError(c.webhook, `failed to call webhook: Post "${shown}": ${why}`);
  const payload = Buffer.from(JSON.stringify(c.body));
  return new Promise((resolve, reject) => {
    let settled = false;
    let cancelTimer = () => {};
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      fn();
    };
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': payload.length },
      ...(c.caBundle ? { ca: Buffer.from(c.caBundle, 'base64').toString('utf8') } : {}),
    });
    cancelTimer = c.clock.setTimer(c.timeoutSeconds * 1000, () => {
      done(() => reject(fail('context deadline exceeded')));
      req.destroy();
    });
    req.on('error', (err) => done(() => reject(fail(goNetError(err as NodeJS.ErrnoException, url)))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy();
          done(() => reject(new WebhookCallError(c.webhook, `failed to call webhook: the response from the webhook exceeds ${MAX_RESPONSE_BYTES} bytes`)));
        } else chunks.push(d);
      });
      res.on('error', (err) => done(() => reject(fail(goNetError(err as NodeJS.ErrnoException, url)))));
      res.on('end', () =>
        done(() => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
            const cut = text.length > 256 ? `${text.slice(0, 256)}...` : text;
            return reject(new WebhookCallError(c.webhook, `failed to call webhook: an error on the server ("${cut.trim()}") has prevented the request from succeeding`));
          }
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(new WebhookCallError(c.webhook, `received invalid webhook response: ${(e as Error).message}`));
          }
        }),
      );
    });
    req.end(payload);
  });
}
