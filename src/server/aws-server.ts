/** `eksplane server`: the AWS endpoint over the store in the data directory. */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createAwsServer } from '../aws/endpoint.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openStore } from '../store/open-store.js';

export interface AwsServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  storeUrl?: string;
  log?: Logger;
}

export async function startAwsServer(opts: AwsServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const log = opts.log ?? createLogger();
  await mkdir(opts.dataDir, { recursive: true });
  const store = await openStore(opts.storeUrl ?? 'sqlite:', { dataDir: opts.dataDir });
  const server = createAwsServer({ log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  log.info({ url }, 'AWS endpoint ready');
  return {
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
