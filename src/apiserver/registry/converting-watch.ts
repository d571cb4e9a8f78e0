/**
 * Watch events of a resource version whose objects are stored in another version: every object
 * is converted before it is rendered, as upstream's watch encoder converts each event to the
 * request version. Synchronous conversions (None, built-in converters) render inline; a webhook
 * conversion is awaited per event, in order, so the stream keeps the cache's event order.
 */
import type { CacheEntry } from '../cache/entry.js';
import type { ApiStream } from '../endpoints/types.js';
import type { GenericStore } from './generic-store.js';

type Render = (e: CacheEntry) => string;

/**
 * Opens the watch through `open` with a render that converts for `gs`'s version. Conversion
 * failures end the stream with an ERROR event (the client re-lists, and sees the error there).
 */
export function convertingWatch(gs: GenericStore, render: Render, open: (render: Render) => ApiStream): ApiStream {
  const conv = gs.def.storage;
  if (!conv) return open(render);
  if (conv.synchronous) return open((e) => render(gs.viewSync(e)!));
  // Asynchronous: render remembers the entry of the event being written; the write converts it.
  let rendered: CacheEntry | undefined;
  const inner = open((e) => {
    const hit = gs.viewSync(e);
    if (hit) return render(hit);
    rendered = e;
    return 'null';
  });
  return {
    contentType: inner.contentType,
    run(write, signal) {
      let queue: Promise<void> = Promise.resolve();
      let dead = false;
      const emit = (line: string) => {
        if (!dead && !write(line)) dead = true;
      };
      return inner.run((line) => {
        const entry = rendered;
        rendered = undefined;
        if (!entry) {
          queue = queue.then(() => emit(line));
          return !dead;
        }
        const type = /^\{"type":"([A-Z]+)"/.exec(line)?.[1] ?? 'MODIFIED';
        queue = queue.then(async () => {
          if (dead) return;
          try {
            emit(`{"type":"${type}","object":${render(await gs.view(entry))}}\n`);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            emit(`{"type":"ERROR","object":${JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 })}}\n`);
            dead = true;
          }
        });
        return !dead;
      }, signal).then(() => queue);
    },
  };
}
