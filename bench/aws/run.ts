/**
 * The AWS endpoint against moto: the same EKS workload, in one run, with the same client (Node,
 * each request signed once with our SigV4 signer, 32 keep-alive connections), against a spawned
 * `eksplane server` (strict: every request's signature verified and its IAM policy evaluated; the
 * default SQLite store; default timings, so each cluster is ACTIVE within about a second, its
 * endpoint listening; its Kubernetes API server would start on first use, which this workload never
 * makes) and a spawned `moto_server` (in memory, no signature check).
 *
 *   node --import tsx bench/aws/run.ts [--clusters 200] [--describes 2000] [--lists 100]
 *                                      [--concurrency 32] [--no-doc] [--json FILE]
 *                                      [--no-server-log]  (skip the second, logged eksplane run)
 *                                      [--cpu-prof DIR]   (a V8 CPU profile of the eksplane server)
 *   node --import tsx bench/aws/run.ts --render FILE      (a saved --json run into the doc)
 *
 * Workload, per server: CreateCluster × N one at a time; (eksplane: wait until all are ACTIVE);
 * the server settles (a second under 20% of a core); ListClusters listing all N (pages of 100)
 * × 10·L with 32 in flight, unmeasured (JIT warm-up), then × L one at a time and × 10·L with 32
 * in flight; DescribeCluster × D one at a time, then × D with 32 in flight; DeleteCluster × N one
 * at a time; then N more clusters created with 32 in flight, (ACTIVE,) the server settles, and
 * they are deleted with 32 in flight.
 *
 * The throughput and client-side latency rows come from an eksplane at its default log level
 * (info), as a user runs it. Server-side latency comes from a second, fresh eksplane that runs the
 * same workload with EKSPLANE_LOG_LEVEL=debug, where the router (src/aws/router.ts) logs every
 * request's time from its arrival at the router (body already buffered) to its serialized
 * response — SigV4 verification, model validation, IAM authorization, the store read and
 * serialization included; HTTP parsing and the socket write excluded. That log goes to a file
 * read after the run; writing a line per request costs ~10% of a one-at-a-time DescribeCluster,
 * which is why it is not on while throughput is measured. A durable SQLite commit is timed on the
 * same disk before and after the run, since every eksplane write waits for one.
 *
 * Results go to stdout and, unless --no-doc, into docs/benchmarks.md between the `bench:aws` markers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { awsBenchClient, runPool, stats, type AwsBenchClient, type Stats } from './client.js';
import Database from 'better-sqlite3';
import { freePort, startEksplane, stopProcess } from './eksplane-process.js';
import { updateDoc } from '../lib/doc.js';
import { renderSection, type AwsBenchResults, type TargetResults } from './report.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '200' },
    describes: { type: 'string', default: '2000' },
    lists: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'no-doc': { type: 'boolean', default: false },
    'no-server-log': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    render: { type: 'string' },
  },
});
const N = Number(args.clusters);
const D = Number(args.describes);
const L = Number(args.lists);
const C = Number(args.concurrency);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return 0;
  }
}

const clientCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Spawned {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** One `aws request` line of eksplane's debug log. */
interface ServerLogLine {
  time: number;
  op: string;
  ms: number;
}

/**
 * An eksplane on a fresh data directory, its log in a file read once the run is over (see
 * {@link readServerLog}): at the default level for the measured run, at debug for the run that
 * gives server-side latency.
 */
function startEksplaneLogged(dataDir: string, logLevel: 'info' | 'debug'): Promise<Spawned> {
  return startEksplane({
    dataDir,
    logLevel,
    logFile: join(dataDir, 'server.log'),
    ...(args['cpu-prof'] && logLevel === 'info' ? { cpuProfDir: args['cpu-prof'] } : {}),
  });
}

/**
 * What one commit costs on this disk right now: SQLite transactions as eksplane's store makes
 * them by default (WAL, synchronous=NORMAL: durable across a crash of the process, one row each),
 * ms per commit. A write request answered one at a time cannot be faster than this; moto keeps
 * everything in memory.
 */
function commitProbe(dir: string, n = 100): number {
  const db = new Database(join(dir, 'commit-probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
    const put = db.prepare('INSERT OR REPLACE INTO t VALUES (?, ?)');
    const commit = db.transaction((i: number) => put.run(`k${i}`, Buffer.alloc(1024)));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) commit(i);
    return (performance.now() - t0) / n;
  } finally {
    db.close();
  }
}

/** The `aws request` lines of the server's debug log. */
function readServerLog(file: string): ServerLogLine[] {
  const out: ServerLogLine[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"aws request"')) continue;
    try {
      const j = JSON.parse(line) as { time: number; op?: string; ms: number };
      if (j.op) out.push({ time: j.time, op: j.op, ms: j.ms });
    } catch {
      /* not a log line */
    }
  }
  return out;
}

async function startMoto(): Promise<Spawned> {
  const port = await freePort();
  const proc = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/moto-api/`).then((r) => r.status > 0, () => false);
    if (up) return { url, proc, stop: () => stopProcess(proc) };
    if (proc.exitCode !== null) throw new Error(`moto_server exited with ${proc.exitCode}`);
    await sleep(100);
  }
  throw new Error('moto_server did not start in 20 s');
}

/**
 * The ceiling of any Node server with this client here: a bare node:http server in its own
 * process that answers every request with the same fixed body (a real DescribeCluster answer,
 * so as many bytes), doing no other work. Measured one request in flight, like the rows it bounds.
 */
async function measureFloor(body: string, count: number): Promise<{ stats: Stats & { perSecond: number }; bodyBytes: number }> {
  const port = await freePort();
  const script = `const b = Buffer.from(process.env.BODY); require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length }); s.end(b); }); }).listen(${port}, '127.0.0.1', () => process.stdout.write('up\\n'));`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BODY: body } });
  try {
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.once('data', () => resolve());
      proc.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    const c = awsBenchClient(`http://127.0.0.1:${port}`, { connections: 1 });
    await runPool(count, 1, async () => ok('floor', await c.eks('GET', '/clusters/floor')));
    const run = await runPool(count, 1, async () => ok('floor', await c.eks('GET', '/clusters/floor')));
    c.close();
    return { stats: { ...stats(run.samples), perSecond: count / run.seconds }, bodyBytes: Buffer.byteLength(body) };
  } finally {
    await stopProcess(proc);
  }
}

/** Fails the run on any unexpected status: a benchmark of errors measures nothing. */
function ok(what: string, a: { status: number; body: string; ms: number }, expected = 200): number {
  if (a.status !== expected) throw new Error(`${what}: HTTP ${a.status} ${a.body.slice(0, 300)}`);
  return a.ms;
}

/** What CreateCluster needs on each side: a cluster role and two subnets. */
interface Prereqs {
  roleArn: string;
  subnetIds: string[];
}

/** eksplane is strict: a real role trusted by eks.amazonaws.com and two default subnets. */
async function eksplanePrereqs(c: AwsBenchClient): Promise<Prereqs> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = await c.query('iam', 'CreateRole', '2010-05-08', { RoleName: 'bench-cluster', AssumeRolePolicyDocument: trust });
  ok('CreateRole', role);
  const roleArn = /<Arn>([^<]+)<\/Arn>/.exec(role.body)![1]!;
  const subnets = await c.query('ec2', 'DescribeSubnets', '2016-11-15', { 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' });
  ok('DescribeSubnets', subnets);
  const subnetIds = [...subnets.body.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!).slice(0, 2);
  return { roleArn, subnetIds };
}

async function listAll(c: AwsBenchClient, expected: number): Promise<number> {
  let ms = 0;
  let token: string | undefined;
  let n = 0;
  do {
    const a = await c.eks('GET', `/clusters?maxResults=100${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
    ms += ok('ListClusters', a);
    const page = JSON.parse(a.body) as { clusters: string[]; nextToken?: string };
    n += page.clusters.length;
    token = page.nextToken ?? undefined;
  } while (token);
  if (n !== expected) throw new Error(`ListClusters listed ${n} clusters, expected ${expected}`);
  return ms;
}

async function waitActive(c: AwsBenchClient, names: string[]): Promise<number> {
  const started = performance.now();
  const pending = new Set(names);
  while (pending.size) {
    for (const name of [...pending]) {
      const a = await c.eks('GET', `/clusters/${name}`);
      ok('DescribeCluster', a);
      const status = (JSON.parse(a.body) as { cluster: { status: string } }).cluster.status;
      if (status === 'ACTIVE') pending.delete(name);
      else if (status !== 'CREATING') throw new Error(`${name} is ${status}`);
    }
    if (pending.size) await sleep(200);
  }
  return (performance.now() - started) / 1000;
}

const progress = (s: string) => process.stderr.write(`${s}\n`);

/**
 * Waits (up to 60 s) for a second in which the server used under 20% of a core, so that what
 * clusters still do after CreateCluster (bringing control planes up) is not counted against the
 * requests measured next; as bench/targets.ts does before its LISTs. moto is idle at once.
 */
async function settle(pid: number | undefined): Promise<void> {
  for (let k = 0, prev = cpuMsOf(pid); k < 60; k++) {
    await sleep(1000);
    const now = cpuMsOf(pid);
    if (now - prev < 200) return;
    prev = now;
  }
}

async function runWorkload(name: string, url: string, serverPid: number | undefined, prereqs: Prereqs, eksplane: boolean, marks: Record<string, [number, number]>): Promise<TargetResults> {
  const c = awsBenchClient(url, { connections: C });
  const body = (n: string) => ({ name: n, roleArn: prereqs.roleArn, resourcesVpcConfig: { subnetIds: prereqs.subnetIds } });
  const seqNames = Array.from({ length: N }, (_, i) => `seq-${i}`);
  const conNames = Array.from({ length: N }, (_, i) => `con-${i}`);
  const mark = async <T>(phase: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await f();
    marks[phase] = [t0, Date.now()];
    return r;
  };
  const r: TargetResults = { name, seq: {}, conc: {} };
  const seq = async (op: string, count: number, f: (i: number) => Promise<number>) => {
    const run = await mark(`${name}:${op}:seq`, () => runPool(count, 1, f));
    r.seq[op] = { ...stats(run.samples), perSecond: count / run.seconds };
    progress(`  ${name} ${op} ×${count} one at a time: ${(count / run.seconds).toFixed(1)}/s, p50 ${r.seq[op]!.p50.toFixed(2)} ms, p99 ${r.seq[op]!.p99.toFixed(2)} ms`);
  };
  const conc = async (op: string, count: number, f: (i: number) => Promise<number>) => {
    const [client0, server0] = [clientCpuMs(), cpuMsOf(serverPid)];
    const run = await mark(`${name}:${op}:conc`, () => runPool(count, C, f));
    const cpu = { clientMsPerRequest: (clientCpuMs() - client0) / count, serverMsPerRequest: (cpuMsOf(serverPid) - server0) / count, wallSeconds: run.seconds };
    r.conc[op] = { ...stats(run.samples), perSecond: count / run.seconds, cpu };
    progress(`  ${name} ${op} ×${count} with ${C} in flight: ${(count / run.seconds).toFixed(1)}/s, p50 ${r.conc[op]!.p50.toFixed(2)} ms, p99 ${r.conc[op]!.p99.toFixed(2)} ms; CPU per request: client ${cpu.clientMsPerRequest.toFixed(3)} ms, server ${cpu.serverMsPerRequest.toFixed(3)} ms`);
  };

  await seq('CreateCluster', N, async (i) => ok('CreateCluster', await c.eks('POST', '/clusters', body(seqNames[i]!))));
  if (eksplane) r.activeSeconds = await waitActive(c, seqNames);
  await settle(serverPid);
  // Unmeasured warm-up, both servers alike: a JIT-compiled server runs its first few thousand
  // requests in unoptimized code (eksplane's router costs ~4× more per ListClusters page over its
  // first 1,600 pages than warm); the phases below measure the server as it runs, not its start.
  await runPool(10 * L, C, () => listAll(c, N));
  await seq('ListClusters', L, () => listAll(c, N));
  await conc('ListClusters', L * 10, () => listAll(c, N));
  await seq('DescribeCluster', D, async (i) => ok('DescribeCluster', await c.eks('GET', `/clusters/${seqNames[i % N]}`)));
  await conc('DescribeCluster', D, async (i) => ok('DescribeCluster', await c.eks('GET', `/clusters/${seqNames[(i * 7) % N]}`)));
  await seq('DeleteCluster', N, async (i) => ok('DeleteCluster', await c.eks('DELETE', `/clusters/${seqNames[i]}`)));
  await conc('CreateCluster', N, async (i) => ok('CreateCluster', await c.eks('POST', '/clusters', body(conNames[i]!))));
  if (eksplane) r.activeSecondsConcurrent = await waitActive(c, conNames);
  await settle(serverPid);
  await conc('DeleteCluster', N, async (i) => ok('DeleteCluster', await c.eks('DELETE', `/clusters/${conNames[i]}`)));
  // Every cluster the run created is gone or on its way: nothing was lost or left behind.
  for (const n of [...seqNames, ...conNames]) {
    const a = await c.eks('GET', `/clusters/${n}`);
    const status = a.status === 200 ? (JSON.parse(a.body) as { cluster: { status: string } }).cluster.status : String(a.status);
    if (status !== '404' && status !== 'DELETING') throw new Error(`${name}: ${n} is ${status} after its DeleteCluster`);
  }
  c.close();
  return r;
}

function serverSide(log: ServerLogLine[], op: string, window: [number, number] | undefined): Stats | undefined {
  if (!window) return undefined;
  const xs = log.filter((l) => l.op === op && l.time >= window[0] && l.time <= window[1]).map((l) => l.ms);
  return xs.length ? stats(xs) : undefined;
}

function describeMachine(): AwsBenchResults['machine'] {
  const py = spawnSync('python3', ['-c', 'import sys, moto; print(sys.version.split()[0], moto.__version__)'], { encoding: 'utf8' }).stdout.trim().split(' ');
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: totalmem() / 1024 ** 3,
    node: process.version,
    python: py[0] ?? 'unknown',
    moto: py[1] ?? 'unknown',
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eksplane-bench-aws-'));
  const loggedDir = join(dataDir, 'logged');
  const log: ServerLogLine[] = [];
  const marks: Record<string, [number, number]> = {};
  const loadStart = loadavg();
  const started = new Date();
  let eks: Spawned | undefined;
  let moto: Spawned | undefined;
  try {
    const commitMsBefore = commitProbe(dataDir);
    eks = await startEksplaneLogged(dataDir, 'info');
    moto = await startMoto();
    const setup = awsBenchClient(eks.url);
    const prereqs = await eksplanePrereqs(setup);
    setup.close();
    progress(`moto_server at ${moto.url}`);
    const motoResults = await runWorkload('moto', moto.url, moto.proc.pid, prereqs, false, marks);
    await moto.stop();
    progress(`eksplane at ${eks.url}`);
    const eksResults = await runWorkload('eksplane', eks.url, eks.proc.pid, prereqs, true, marks);
    // A real DescribeCluster answer (the workload deleted its clusters) gives the floor its body.
    const sample = awsBenchClient(eks.url, { connections: 1 });
    ok('CreateCluster', await sample.eks('POST', '/clusters', { name: 'floor-sample', roleArn: prereqs.roleArn, resourcesVpcConfig: { subnetIds: prereqs.subnetIds } }));
    const describeBody = (await sample.eks('GET', '/clusters/floor-sample')).body;
    sample.close();
    const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${eks.proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    await eks.stop();
    if (!args['no-server-log']) {
      mkdirSync(loggedDir);
      eks = await startEksplaneLogged(loggedDir, 'debug');
      progress(`eksplane with its request log at ${eks.url}`);
      const logged = awsBenchClient(eks.url);
      const loggedPrereqs = await eksplanePrereqs(logged);
      logged.close();
      await runWorkload('eksplane-logged', eks.url, eks.proc.pid, loggedPrereqs, true, marks);
      await eks.stop();
      log.push(...readServerLog(join(loggedDir, 'server.log')));
    }
    progress('bare Node HTTP server (the floor)');
    const floor = await measureFloor(describeBody, D);
    rmSync(join(dataDir, 'commit-probe.db'), { force: true });
    const phase = (op: string, mode: 'seq' | 'conc') => marks[`eksplane-logged:${op}:${mode}`];
    const results: AwsBenchResults = {
      date: started.toISOString(),
      command: `node --import tsx bench/aws/run.ts${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`,
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      machine: describeMachine(),
      load: { start: loadStart, end: loadavg() },
      params: { clusters: N, describes: D, lists: L, concurrency: C },
      moto: motoResults,
      eksplane: eksResults,
      eksplanePeakRssMiB: rss,
      commitMs: [commitMsBefore, commitProbe(dataDir)],
      floor,
      serverSide: {
        describeSeq: serverSide(log, 'DescribeCluster', phase('DescribeCluster', 'seq')),
        describeConc: serverSide(log, 'DescribeCluster', phase('DescribeCluster', 'conc')),
        createSeq: serverSide(log, 'CreateCluster', phase('CreateCluster', 'seq')),
        listSeq: serverSide(log, 'ListClusters', phase('ListClusters', 'seq')),
        deleteSeq: serverSide(log, 'DeleteCluster', phase('DeleteCluster', 'seq')),
        deleteConc: serverSide(log, 'DeleteCluster', phase('DeleteCluster', 'conc')),
      },
    };
    const section = renderSection(results);
    process.stdout.write(section + '\n');
    if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
    if (!args['no-doc']) progress(`wrote the bench:aws section of ${updateDoc(section)}`);
  } finally {
    await moto?.stop();
    await eks?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8')) as AwsBenchResults;
  process.stdout.write(`wrote the bench:aws section of ${updateDoc(renderSection(saved))}\n`);
} else {
  await main();
}
