/**
 * `eksplane server`: the AWS endpoint over the store in the data directory, with SigV4
 * authentication and IAM authorization on every call (or `--permissive`: any credentials are
 * the default account's root, as LocalStack does).
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createAwsServer } from '../aws/endpoint.js';
import { createAuthenticator, createAuthorizer, IamState } from '../aws/identity/index.js';
import type { AwsService } from '../aws/service.js';
import { realClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openStore } from '../store/open-store.js';

export interface AwsServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  storeUrl?: string;
  /** Accept any credentials as the default account's root, and allow every action. */
  permissive?: boolean;
  clock?: Clock;
  log?: Logger;
}

export async function startAwsServer(opts: AwsServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? realClock;
  await mkdir(opts.dataDir, { recursive: true });
  const store = await openStore(opts.storeUrl ?? 'sqlite:', { dataDir: opts.dataDir });
  const iam = new IamState(store, { clock });
  const services: AwsService[] = [];
  const server = createAwsServer({
    log,
    clock,
    store,
    services,
    authenticate: createAuthenticator({ iam, clock, permissive: opts.permissive }),
    authorize: opts.permissive ? undefined : createAuthorizer({ iam }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  log.info({ url, permissive: !!opts.permissive }, 'AWS endpoint ready');
  return {
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
