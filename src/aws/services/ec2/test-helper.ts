/**
 * Test support for EC2 and Auto Scaling: an AWS endpoint on 127.0.0.1:0 with the real EC2 service
 * (and any other services given) over a memory store and a ManualClock, plus SDK client options.
 * Not a test file itself (no `.test.ts` suffix).
 */
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import type { Store } from '../../../store/types.js';
import { createAwsServer } from '../../endpoint.js';
import type { AwsService } from '../../service.js';
import { createEc2 } from './index.js';

/** A running endpoint with EC2. */
export interface Ec2TestServer {
  url: string;
  clock: ManualClock;
  store: Store;
  ec2: ReturnType<typeof createEc2>;
  stop(): Promise<void>;
}

/** Starts the endpoint; `extra` builds more services over the same store, clock and EC2. */
export async function startEc2Server(opts: { store?: Store; clock?: ManualClock; extra?: (x: { store: Store; clock: ManualClock; ec2: ReturnType<typeof createEc2> }) => AwsService[] } = {}): Promise<Ec2TestServer> {
  const store = opts.store ?? new MemoryStore();
  const clock = opts.clock ?? new ManualClock();
  const ec2 = createEc2({ store, clock });
  const services = [ec2.service, ...(opts.extra?.({ store, clock, ec2 }) ?? [])];
  const server = createAwsServer({ log: silentLogger(), clock, store, services });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clock,
    store,
    ec2,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** SDK client options for the test server. */
export function sdkConfig(url: string, region = 'us-east-1') {
  return { endpoint: url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { Code?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
