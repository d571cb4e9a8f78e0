/**
 * The controllers' thread (controllers-thread.ts): the controller manager over a thread
 * transport to the API server's thread, stopped (Leases released, workers drained) on request.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { startControllers } from '../controllers/manager.js';
import { realClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import type { ControlMessage, ControllersThreadData } from './controllers-thread.js';
import { threadTransport } from './thread-transport.js';

/**
 * Lowers this thread's scheduling priority (Linux: setpriority on the thread's own id, from
 * /proc/thread-self): when both cores are busy, serving clients and fanning out watches go first
 * and the controllers catch up after, as kube-controller-manager would in a process of its own.
 */
function yieldToTheServer(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
  }
}

yieldToTheServer();
const port = parentPort!;
// The modules above load as soon as the thread is spawned; the API comes with the start message.
const data = await new Promise<ControllersThreadData>((resolve) => {
  const onMessage = (m: ControlMessage) => {
    if (m.t !== 'start') return;
    port.off('message', onMessage);
    resolve(m.data);
  };
  port.on('message', onMessage);
});
const transport = threadTransport(port);
const signLegacy = data.signsLegacyTokens
  ? async (...args: [string, string, string, string]) => String(await transport.call('signLegacy', args))
  : undefined;
const controllers = await startControllers({
  transport,
  clock: realClock,
  log: createLogger(data.logLevel),
  serviceAccountConfig: { rootCaPem: data.rootCaPem, signLegacy },
  leaderElection: { identity: data.identity },
});
port.postMessage({ t: 'started' } satisfies ControlMessage);
port.on('message', (m: ControlMessage) => {
  if (m.t !== 'stop') return;
  void controllers.stop().finally(() => port.postMessage({ t: 'stopped' } satisfies ControlMessage));
});
