/**
 * A KubeTransport between threads of one process: the controller manager's thread sends its
 * requests and watches over a MessagePort to the API server's thread, which serves them exactly as
 * the in-process transport does (same handlers, authorization and admission, collections in
 * parts). Only strings cross: the server's cached JSON goes over as it is and is parsed on the
 * controllers' side, so their parsed copies of every object live in the controllers' own heap,
 * and its garbage collections never pause the thread that serves clients and fans out watches.
 */
import type { ApiServer } from '../apiserver/api-server.js';
import { isListBody, type UserInfo } from '../apiserver/endpoints/types.js';
import { KubeApiError } from '../kubeclient/errors.js';
import { parseBody, watchLineParser, type KubeTransport, type TransportRequest } from '../kubeclient/transport.js';
import { bodyText, callApi, CONTROLLER_MANAGER_USER, header, isStream, openWatchStream } from './in-process-transport.js';

/** Either end of the channel: a Worker (server side) or its parentPort (controllers' side). */
export interface MessageEndpoint {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: any) => void): unknown;
}

/** Controllers' thread → API server's thread. */
export type ToServer =
  | { t: 'request'; id: number; r: TransportRequest }
  | { t: 'watch'; id: number; path: string; query: Record<string, string> }
  | { t: 'unwatch'; id: number }
  | { t: 'call'; id: number; name: string; args: unknown[] };

/** API server's thread → controllers' thread. */
export type ToClient =
  | { t: 'items'; id: number; items: string[] }
  | { t: 'response'; id: number; status: number; text?: string; contentType?: string; list?: { head: string; tail: string } }
  | { t: 'failed'; id: number; message: string }
  | { t: 'chunk'; id: number; data: string }
  | { t: 'ended'; id: number; refused?: { status: number; body: unknown }; message?: string }
  | { t: 'returned'; id: number; value: unknown };

/** List items sent per message, so a 100k-item list is copied across in slices between other work. */
const ITEMS_PER_MESSAGE = 2000;

/** Functions of the server's thread the controllers may call by name (e.g. the legacy token signer). */
export type ThreadCalls = Record<string, (...args: never[]) => unknown>;

/**
 * Serves the requests, watches and calls that arrive on `port`, acting as the controller
 * manager. Returns a function that ends every open watch (when the controllers' thread is gone).
 */
export function serveThreadTransport(api: ApiServer, port: MessageEndpoint, calls: ThreadCalls = {}, user: UserInfo = CONTROLLER_MANAGER_USER): () => void {
  const watches = new Map<number, AbortController>();
  const send = (m: ToClient) => port.postMessage(m);
  const fail = (id: number, err: unknown) => send({ t: 'failed', id, message: (err as Error)?.message ?? String(err) });

  async function request(id: number, r: TransportRequest): Promise<void> {
    const res = await callApi(api, user, r);
    if (isListBody(res.body)) {
      const items = res.body.items;
      for (let i = 0; i < items.length; i += ITEMS_PER_MESSAGE) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        send({ t: 'items', id, items: items.slice(i, i + ITEMS_PER_MESSAGE) });
      }
      send({ t: 'response', id, status: res.status, list: { head: res.body.head, tail: res.body.tail } });
    } else if (isStream(res.body)) {
      throw new Error(`${r.method} ${r.path} answered with a stream`);
    } else {
      send({ t: 'response', id, status: res.status, text: bodyText(res.body), contentType: header(res.headers['content-type']) });
    }
  }

  async function watch(id: number, path: string, query: Record<string, string>): Promise<void> {
    const ctl = new AbortController();
    watches.set(id, ctl);
    try {
      const stream = await openWatchStream(api, user, path, query, ctl.signal);
      await stream.run((data) => {
        if (ctl.signal.aborted) return false;
        send({ t: 'chunk', id, data });
        return true;
      }, ctl.signal);
      send({ t: 'ended', id });
    } catch (err) {
      if (err instanceof KubeApiError) send({ t: 'ended', id, refused: { status: err.code, body: err.status } });
      else send({ t: 'ended', id, message: (err as Error)?.message ?? String(err) });
    } finally {
      watches.delete(id);
    }
  }

  port.on('message', (m: ToServer) => {
    switch (m.t) {
      case 'request':
        request(m.id, { ...m.r, body: received(m.r.body) }).catch((err: unknown) => fail(m.id, err));
        break;
      case 'watch':
        void watch(m.id, m.path, m.query);
        break;
      case 'unwatch':
        watches.get(m.id)?.abort();
        break;
      case 'call': {
        const fn = calls[m.name] as ((...args: unknown[]) => unknown) | undefined;
        if (!fn) fail(m.id, new Error(`no call ${m.name}`));
        else Promise.resolve()
          .then(() => fn(...m.args))
          .then((value) => send({ t: 'returned', id: m.id, value }), (err: unknown) => fail(m.id, err));
        break;
      }
    }
  });
  return () => {
    for (const ctl of watches.values()) ctl.abort();
  };
}

/** The controllers' side: a KubeTransport over `port`, and `call` for the server's ThreadCalls. */
export interface ThreadTransport extends KubeTransport {
  call(name: string, args: unknown[]): Promise<unknown>;
}

interface Pending {
  resolve(r: { m: ToClient; items: unknown[] }): void;
  reject(err: Error): void;
  /** List items, parsed as their slices arrive (no string of 100k items is ever held whole). */
  items: unknown[];
}

export function threadTransport(port: MessageEndpoint): ThreadTransport {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const streams = new Map<number, (m: ToClient) => void>();
  port.on('message', (m: ToClient) => {
    const stream = streams.get(m.id);
    if (stream) return stream(m);
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === 'items') {
      try {
        for (const item of m.items) p.items.push(JSON.parse(item));
      } catch (err) {
        pending.delete(m.id);
        p.reject(err as Error);
      }
      return;
    }
    pending.delete(m.id);
    if (m.t === 'failed') p.reject(new Error(m.message));
    else p.resolve({ m, items: p.items });
  });
  const exchange = (msg: ToServer): Promise<{ m: ToClient; items: unknown[] }> =>
    new Promise((resolve, reject) => {
      pending.set(msg.id, { resolve, reject, items: [] });
      port.postMessage(msg);
    });

  return {
    wholeLists: true,
    async request(r) {
      const { m, items } = await exchange({ t: 'request', id: nextId++, r: { ...r, body: sendable(r.body) } });
      if (m.t !== 'response') throw new Error(`${r.method} ${r.path}: unexpected ${m.t}`);
      if (m.list) {
        const list = JSON.parse(m.list.head + m.list.tail) as { items: unknown[] };
        list.items = items;
        return { status: m.status, body: list };
      }
      return { status: m.status, body: parseBody(m.text ?? '', m.contentType) };
    },

    watch(path, query, onEvent, signal) {
      if (signal.aborted) return Promise.resolve();
      const id = nextId++;
      const feed = watchLineParser(onEvent);
      return new Promise<void>((resolve, reject) => {
        const finish = (err?: unknown) => {
          streams.delete(id);
          signal.removeEventListener('abort', onAbort);
          if (err !== undefined && !signal.aborted) reject(err);
          else resolve();
        };
        const onAbort = () => {
          port.postMessage({ t: 'unwatch', id } satisfies ToServer);
          finish();
        };
        streams.set(id, (m) => {
          if (m.t === 'chunk') {
            try {
              // Delivered in order; a failing consumer ends its own watch only.
              feed(m.data);
            } catch (err) {
              port.postMessage({ t: 'unwatch', id } satisfies ToServer);
              finish(err);
            }
          } else if (m.t === 'ended') {
            if (m.refused) finish(KubeApiError.from(m.refused.status, m.refused.body));
            else finish(m.message === undefined ? undefined : new Error(m.message));
          }
        });
        signal.addEventListener('abort', onAbort);
        port.postMessage({ t: 'watch', id, path, query } satisfies ToServer);
      });
    },

    async call(name, args) {
      const { m } = await exchange({ t: 'call', id: nextId++, name, args });
      return m.t === 'returned' ? m.value : undefined;
    },
  };
}

/** A request body as it can cross threads: a Buffer as its own bytes (not its pool's), else as is. */
function sendable(body: unknown): unknown {
  return Buffer.isBuffer(body) ? new Uint8Array(body) : body;
}

/** A request body that crossed threads: bytes become a Buffer again (the transport sends Buffers as they are). */
function received(body: unknown): unknown {
  return body instanceof Uint8Array && !Buffer.isBuffer(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : body;
}
