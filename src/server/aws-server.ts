/**
 * `eksplane server`: the AWS endpoint over the store in the data directory — EKS, EC2, Auto
 * Scaling, IAM, STS and KMS wired to each other, and a real Kubernetes API server per EKS cluster — with SigV4
 * authentication and IAM authorization on every call
 * (or `--permissive`: any credentials are the default account's root, as LocalStack does).
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAwsServer } from '../aws/endpoint.js';
import { StoreMirror } from '../aws/state/store-mirror.js';
import { createAuthenticator, createAuthorizer, iamApiOf, IamState } from '../aws/identity/index.js';
import type { AwsService } from '../aws/service.js';
import { createAutoScaling } from '../aws/services/autoscaling/index.js';
import { createEc2 } from '../aws/services/ec2/index.js';
import { addonsExtension } from '../aws/services/eks/addons/index.js';
import { fargateExtension } from '../aws/services/eks/fargate/index.js';
import { createEksService, fastTimings, realisticTimings } from '../aws/services/eks/index.js';
import { nodegroupsExtension } from '../aws/services/eks/nodegroups/index.js';
import { podIdentityExtension } from '../aws/services/eks/pod-identity/index.js';
import { createIamService } from '../aws/services/iam/index.js';
import { createKmsService, loadOrCreateMasterSecret, MASTER_SECRET_FILE } from '../aws/services/kms/index.js';
import { createStsService, withSelfAuthorizedSts, withUnsignedStsOperations } from '../aws/services/sts/index.js';
import { realClock, type Clock } from '../lib/clock.js';
import { ClusterInstances } from './cluster-instances.js';
import { ControlPlanes } from './control-planes.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openStore } from '../store/open-store.js';

export interface AwsServerOptions {
  port: number;
  host?: string;
  dataDir: string;
  storeUrl?: string;
  /** Accept any credentials as the default account's root, and allow every action. */
  permissive?: boolean;
  /** EKS-like durations (a cluster takes ~10 minutes) instead of about a second. */
  realisticTiming?: boolean;
  clock?: Clock;
  log?: Logger;
}

export async function startAwsServer(opts: AwsServerOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? realClock;
  await mkdir(opts.dataDir, { recursive: true });
  const store = await openStore(opts.storeUrl ?? 'sqlite:', { dataDir: opts.dataDir });
  // The AWS services read their records from a watch-driven mirror (writes go to the store);
  // control planes keep the store itself.
  const aws = new StoreMirror(store, '/aws/', 4, log);
  await aws.start();
  const iam = new IamState(aws, { clock });
  const ec2 = createEc2({ store: aws, clock });
  const autoscaling = createAutoScaling({ store: aws, clock, ec2: ec2.api, log });
  const kms = createKmsService({ store: aws, clock, masterKey: await loadOrCreateMasterSecret(join(opts.dataDir, MASTER_SECRET_FILE)) });
  const controlPlanes = new ControlPlanes({ store, clock, log, iam, host: opts.host, dataPlane: { ec2: ec2.api, instances: new ClusterInstances(ec2.api, clock), store, autoscaling: autoscaling.api, drainTimeoutMs: opts.realisticTiming ? 15 * 60_000 : undefined }, kms: kms.api, dataDir: opts.dataDir });
  const eks = createEksService({
    ec2: ec2.api,
    iam: iamApiOf(iam),
    store: aws,
    clock,
    log,
    controlPlane: controlPlanes,
    timings: opts.realisticTiming ? realisticTimings : fastTimings,
    extensions: [nodegroupsExtension({ autoscaling: autoscaling.api, nodes: controlPlanes }), fargateExtension(), addonsExtension(), podIdentityExtension()],
  });
  const services: AwsService[] = [eks.service, ec2.service, autoscaling.service, createIamService({ iam }), createStsService({ iam }), kms];
  const server = createAwsServer({
    log,
    clock,
    store: aws,
    services,
    authenticate: withUnsignedStsOperations(createAuthenticator({ iam, clock, permissive: opts.permissive })),
    authorize: opts.permissive ? undefined : withSelfAuthorizedSts(createAuthorizer({ iam })),
  });
  const background = new AbortController();
  await controlPlanes.start();
  await eks.start(background.signal);
  await autoscaling.start(background.signal);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  log.info({ url, permissive: !!opts.permissive }, 'AWS endpoint ready');
  return {
    url,
    async stop() {
      background.abort();
      eks.stop();
      await controlPlanes.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      aws.stop();
      await store.close();
    },
  };
}
