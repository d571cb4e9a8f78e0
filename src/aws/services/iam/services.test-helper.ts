/**
 * Test support for the IAM, STS and KMS services: the AWS endpoint on an ephemeral port with the
 * real SigV4 authenticator and IAM authorizer over an IamState (wrapped as STS needs, as the server
 * wiring should), the three services, and helpers to make IAM users with policies. Not a test file
 * itself (no `.test.ts` suffix).
 */
import type { AddressInfo } from 'node:net';
import { realClock, type Clock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import { createAwsServer } from '../../endpoint.js';
import { createAuthenticator, createAuthorizer, IamState } from '../../identity/index.js';
import { createKmsService } from '../kms/kms-service.js';
import { createStsService, type RoleSessionIssuer } from '../sts/sts-service.js';
import { withSelfAuthorizedSts, withUnsignedStsOperations } from '../sts/auth.js';
import { createIamService } from './iam-service.js';

/** Wall-clock time plus an adjustable offset, for state machines that outlive the SigV4 window. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTimer(ms: number, fn: () => void): () => void {
    return realClock.setTimer(ms, fn);
  }
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };
export const ACCOUNT = '000000000000';

/** Starts the endpoint with IAM, STS and KMS on the memory store. */
export async function startServicesServer(opts: { sessions?: (iam: IamState) => RoleSessionIssuer; masterKey?: Uint8Array } = {}) {
  const store = await openMemoryStore();
  const iam = new IamState(store, { clock: realClock });
  const kmsClock = new OffsetClock();
  const kms = createKmsService({ store, clock: kmsClock, masterKey: opts.masterKey });
  const server = createAwsServer({
    log: silentLogger(),
    clock: realClock,
    store,
    services: [createIamService({ iam }), createStsService({ iam, sessions: opts.sessions?.(iam) }), kms],
    authenticate: withUnsignedStsOperations(createAuthenticator({ iam, clock: realClock })),
    authorize: withSelfAuthorizedSts(createAuthorizer({ iam })),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    iam,
    kms,
    kmsClock,
    store,
    /** SDK client options for `creds` (root `test`/`test` by default). */
    config(creds: Creds = ROOT, region = 'us-east-1') {
      return { endpoint: url, region, credentials: creds, maxAttempts: 1 };
    },
    /** A user with an access key and, when given, an inline policy allowing/denying `statements`. */
    async user(name: string, statements?: object[]): Promise<Creds> {
      await iam.createUser(ACCOUNT, { userName: name });
      if (statements) await iam.putInlinePolicy(ACCOUNT, 'user', name, 'inline', JSON.stringify({ Version: '2012-10-17', Statement: statements }));
      const k = await iam.createAccessKey(ACCOUNT, name);
      return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type ServicesServer = Awaited<ReturnType<typeof startServicesServer>>;

/** The rejection of `p`, for asserting on SDK errors. */
export async function failure(p: Promise<unknown>): Promise<Error & { name: string; message: string; $metadata?: { httpStatusCode?: number }; Code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}
