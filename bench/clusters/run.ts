/**
 * The cost of an EKS cluster in eksplane (issue 5's bench items): how soon a new cluster answers
 * `kubectl get ns`, how much memory an idle cluster holds, and N clusters in one process.
 *
 *   node --import tsx bench/clusters/run.ts [--clusters 100] [--first 5] [--concurrency 8]
 *                                           [--settle 20] [--cpu-prof DIR] [--no-doc] [--json FILE]
 *   node --import tsx bench/clusters/run.ts --render FILE   (a saved --json run into the doc)
 *
 * Against a spawned `eksplane server` (strict SigV4 + IAM, SQLite store, default timings), with the
 * AWS SDK for JavaScript v3 (@aws-sdk/client-eks, client-iam, client-ec2) as users drive it:
 * 1. baseline: the server's RSS once it is up and the role exists;
 * 2. time to `kubectl get ns`, `--first` clusters one at a time: CreateCluster, DescribeCluster
 *    every 20 ms until ACTIVE (the endpoint and CA appear only then), then a fresh HTTPS
 *    connection GETting /api/v1/namespaces with an `aws eks get-token` token, verified against
 *    the cluster's CA — what kubectl does after `aws eks update-kubeconfig`;
 * 3. the rest of `--clusters` created with `--concurrency` in flight, each until ACTIVE and answering
 *    /api/v1/namespaces; total time and RSS;
 * 4. `--settle` seconds idle: RSS and CPU use of N idle clusters; memory per cluster = (RSS − baseline) / N;
 * 5. time to `kubectl get ns` again, now with N clusters in the process;
 * 6. every cluster deleted (32 in flight) until DescribeCluster says 404.
 *
 * Results go to stdout and, unless --no-doc, into docs/benchmarks.md between the `bench:clusters` markers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateClusterCommand, DeleteClusterCommand, DescribeClusterCommand, EKSClient, ResourceNotFoundException, type Cluster } from '@aws-sdk/client-eks';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { createEksToken } from '../../src/aws/identity/eks-token.js';
import { runPool, stats } from '../aws/client.js';
import { memoryMiB, startEksplane, type EksplaneProcess } from '../aws/eksplane-process.js';
import { updateDoc } from '../lib/doc.js';
import { renderSection, type ClustersBenchResults } from './report.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '100' },
    first: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8' },
    settle: { type: 'string', default: '20' },
    'cpu-prof': { type: 'string' },
    'no-doc': { type: 'boolean', default: false },
    json: { type: 'string' },
    render: { type: 'string' },
  },
});
const N = Number(args.clusters);
const FIRST = Math.min(Number(args.first), N);
const C = Number(args.concurrency);
const SETTLE_S = Number(args.settle);
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (s: string) => process.stderr.write(`${s}\n`);
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** GET /api/v1/namespaces on a fresh TLS connection, as kubectl with a get-token token; the status. */
function getNamespaces(cluster: Cluster, token: string): Promise<number> {
  const u = new URL(cluster.endpoint!);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: '/api/v1/namespaces?limit=500', method: 'GET', ca: Buffer.from(cluster.certificateAuthority!.data!, 'base64'), agent: false, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
          if (res.statusCode === 200 && !(JSON.parse(body) as { items: { metadata: { name: string } }[] }).items.some((n) => n.metadata.name === 'kube-system')) return reject(new Error('no kube-system namespace'));
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Timeline {
  /** CreateCluster call to its answer. */
  createMs: number;
  /** CreateCluster call to the first DescribeCluster saying ACTIVE. */
  activeMs: number;
  /** CreateCluster call to the first 200 of GET /api/v1/namespaces. */
  namespacesMs: number;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eksplane-bench-clusters-'));
  const started = new Date();
  const loadStart = loadavg();
  let server: EksplaneProcess | undefined;
  try {
    server = await startEksplane({ dataDir, ...(args['cpu-prof'] ? { cpuProfDir: args['cpu-prof'] } : {}) });
    const pid = server.pid;
    const cfg = { endpoint: server.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
    const eks = new EKSClient(cfg);
    const iam = new IAMClient(cfg);
    const ec2 = new EC2Client(cfg);
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'bench-clusters', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
    const subnetIds = subnets.slice(0, 2).map((s) => s.SubnetId!);
    await sleep(3000);
    const baseline = memoryMiB(pid);
    progress(`server up, baseline RSS ${baseline.rss.toFixed(0)} MiB`);

    /** One cluster from CreateCluster to GET /api/v1/namespaces answering 200. */
    const bringUp = async (name: string): Promise<Timeline> => {
      const t0 = performance.now();
      await eks.send(new CreateClusterCommand({ name, roleArn, resourcesVpcConfig: { subnetIds } }));
      const createMs = performance.now() - t0;
      let cluster: Cluster;
      for (;;) {
        cluster = (await eks.send(new DescribeClusterCommand({ name }))).cluster!;
        if (cluster.status === 'ACTIVE') break;
        if (cluster.status !== 'CREATING') throw new Error(`${name} is ${cluster.status}`);
        await sleep(20);
      }
      const activeMs = performance.now() - t0;
      for (let attempt = 0; ; attempt++) {
        const status = await getNamespaces(cluster, createEksToken(CREDENTIALS, name, REGION, { endpoint: server!.url }));
        if (status === 200) break;
        if (attempt > 200) throw new Error(`${name}: GET /api/v1/namespaces answers ${status}`);
        await sleep(20);
      }
      return { createMs, activeMs, namespacesMs: performance.now() - t0 };
    };

    const first: Timeline[] = [];
    for (let i = 0; i < FIRST; i++) {
      first.push(await bringUp(`first-${i}`));
      progress(`  first-${i}: CreateCluster ${first[i]!.createMs.toFixed(0)} ms, ACTIVE at ${first[i]!.activeMs.toFixed(0)} ms, kubectl get ns at ${first[i]!.namespacesMs.toFixed(0)} ms`);
    }

    const restNames = Array.from({ length: N - FIRST }, (_, i) => `idle-${i}`);
    const cpu0 = cpuMsOf(pid);
    const t0 = performance.now();
    const rest = await runPool(restNames.length, C, async (i) => (await bringUp(restNames[i]!)).namespacesMs);
    const manySeconds = (performance.now() - t0) / 1000;
    const manyCpuMs = cpuMsOf(pid) - cpu0;
    const afterCreate = memoryMiB(pid);
    progress(`  ${restNames.length} more clusters with ${C} in flight: ${manySeconds.toFixed(1)} s, RSS ${afterCreate.rss.toFixed(0)} MiB`);

    const idleCpu0 = cpuMsOf(pid);
    await sleep(SETTLE_S * 1000);
    const idleCpuPercent = ((cpuMsOf(pid) - idleCpu0) / (SETTLE_S * 1000)) * 100;
    const settled = memoryMiB(pid);
    progress(`  ${N} idle clusters after ${SETTLE_S} s: RSS ${settled.rss.toFixed(0)} MiB, server CPU ${idleCpuPercent.toFixed(1)}%`);

    const loaded: Timeline[] = [];
    for (let i = 0; i < 3; i++) loaded.push(await bringUp(`loaded-${i}`));
    progress(`  with ${N} clusters: kubectl get ns at ${loaded.map((l) => l.namespacesMs.toFixed(0)).join(', ')} ms`);

    const all = [...Array.from({ length: FIRST }, (_, i) => `first-${i}`), ...restNames, ...Array.from({ length: 3 }, (_, i) => `loaded-${i}`)];
    const d0 = performance.now();
    await runPool(all.length, 32, async (i) => {
      await eks.send(new DeleteClusterCommand({ name: all[i]! }));
      return 0;
    });
    for (const name of all) {
      for (;;) {
        try {
          await eks.send(new DescribeClusterCommand({ name }));
        } catch (err) {
          if (err instanceof ResourceNotFoundException) break;
          throw err;
        }
        await sleep(100);
      }
    }
    const deleteSeconds = (performance.now() - d0) / 1000;
    progress(`  ${all.length} clusters deleted in ${deleteSeconds.toFixed(1)} s`);
    eks.destroy();
    iam.destroy();
    ec2.destroy();

    const results: ClustersBenchResults = {
      date: started.toISOString(),
      command: `node --import tsx bench/clusters/run.ts${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`,
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', memGiB: totalmem() / 1024 ** 3, node: process.version },
      load: { start: loadStart, end: loadavg() },
      params: { clusters: N, first: FIRST, concurrency: C, settleSeconds: SETTLE_S },
      baselineRssMiB: baseline.rss,
      first,
      many: { count: restNames.length, seconds: manySeconds, serverCpuMsPerCluster: manyCpuMs / Math.max(1, restNames.length), namespacesMs: stats(rest.samples), rssMiB: afterCreate.rss },
      idle: { rssMiB: settled.rss, perClusterMiB: (settled.rss - baseline.rss) / N, cpuPercent: idleCpuPercent },
      loaded,
      deleteSeconds,
      peakRssMiB: memoryMiB(pid).hwm,
    };
    await server.stop();
    const section = renderSection(results);
    process.stdout.write(section + '\n');
    if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
    if (!args['no-doc']) progress(`wrote the bench:clusters section of ${updateDoc(section)}`);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8')) as ClustersBenchResults;
  process.stdout.write(`wrote the bench:clusters section of ${updateDoc(renderSection(saved))}\n`);
} else {
  await main();
}
