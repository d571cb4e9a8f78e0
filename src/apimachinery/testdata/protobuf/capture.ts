/**
 * Re-records the fixtures of `protobuf.test.ts` from real kubectl binaries (development tool,
 * not a test). Serves a minimal fake API server on 127.0.0.1 over plain http, runs each case
 * with a fresh HOME and records:
 * - `NAME.pb`: the POST body sent by kubectl 1.32 (`application/vnd.kubernetes.protobuf`);
 * - `NAME.v131.json`: the POST body sent by kubectl 1.31 for the same command (JSON);
 * - `NAME.dryrun.json`: `kubectl 1.32 ... --dry-run=client -o json` where the command has it.
 *
 * usage: node --import tsx src/apimachinery/testdata/protobuf/capture.ts [KUBECTL_DIR]
 * Not recorded: `kubectl run` (and `create -f`), which send JSON even from kubectl 1.32.
 * KUBECTL_DIR holds `kubectl.1.31` and `kubectl.1.32` (default: beside the gcloud kubectl dispatcher).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

interface Case { name: string; args: string[]; dryRun: boolean }
const CASES: Case[] = [
  { name: 'namespace', args: ['create', 'namespace', 'x'], dryRun: true },
  { name: 'configmap', args: ['create', 'configmap', 'c', '--from-literal=a=b', '--from-literal=n=1'], dryRun: true },
  { name: 'secret', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--from-literal=bin=\u00ff\u0001'], dryRun: true },
  { name: 'secret-docker', args: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'], dryRun: true },
  { name: 'deployment', args: ['create', 'deployment', 'd', '--image=nginx', '--replicas=3', '--port=80'], dryRun: true },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'], dryRun: true },
  { name: 'service', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'], dryRun: true },
  { name: 'service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080'], dryRun: true },
  { name: 'job', args: ['create', 'job', 'j', '--image=busybox'], dryRun: true },
  { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date'], dryRun: true },
  { name: 'priorityclass', args: ['create', 'priorityclass', 'pc', '--value=10', '--description=d'], dryRun: true },
  { name: 'quota', args: ['create', 'quota', 'q', '--hard=cpu=1500m,memory=1Gi,pods=10'], dryRun: true },
  { name: 'pdb', args: ['create', 'poddisruptionbudget', 'p', '--selector=app=x', '--min-available=50%'], dryRun: true },
  { name: 'pdb-int', args: ['create', 'poddisruptionbudget', 'p2', '--selector=app=x', '--max-unavailable=1'], dryRun: true },
  { name: 'ingress', args: ['create', 'ingress', 'ing', '--rule=foo.com/bar*=svc1:8080', '--class=nginx'], dryRun: true },
  { name: 'role', args: ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps'], dryRun: true },
  { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--user=alice', '--serviceaccount=default:sa'], dryRun: true },
  { name: 'token', args: ['create', 'token', 'sa'], dryRun: false },
  { name: 'token-full', args: ['create', 'token', 'sa', '--duration=2h', '--audience=a1', '--audience=a2'], dryRun: false },
  { name: 'can-i', args: ['auth', 'can-i', 'create', 'pods'], dryRun: false },
  { name: 'can-i-sub', args: ['auth', 'can-i', 'get', 'pods/log', '-n', 'kube-system', '--subresource=log'], dryRun: false },
  { name: 'can-i-list', args: ['auth', 'can-i', '--list'], dryRun: false },
  { name: 'whoami', args: ['auth', 'whoami'], dryRun: false },
];

type R = [resource: string, kind: string, namespaced: boolean, subresources?: string[]];
const GROUPS: Record<string, R[]> = {
  v1: [['namespaces', 'Namespace', false], ['configmaps', 'ConfigMap', true], ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true, ['token']], ['services', 'Service', true], ['pods', 'Pod', true],
    ['resourcequotas', 'ResourceQuota', true]],
  'apps/v1': [['deployments', 'Deployment', true]],
  'batch/v1': [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'rbac.authorization.k8s.io/v1': [['roles', 'Role', true], ['rolebindings', 'RoleBinding', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
  'authorization.k8s.io/v1': [['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false],
    ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false]],
  'authentication.k8s.io/v1': [['selfsubjectreviews', 'SelfSubjectReview', false]],
};

function resourceList(gv: string, rs: R[]): unknown {
  const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
  const resources = rs.flatMap(([name, kind, namespaced, subs = []]) => [
    { name, singularName: kind.toLowerCase(), namespaced, kind, verbs },
    ...subs.map((s) => ({ name: `${name}/${s}`, singularName: '', namespaced, kind: s === 'token' ? 'TokenRequest' : kind, group: s === 'token' ? 'authentication.k8s.io' : undefined, version: s === 'token' ? 'v1' : undefined, verbs: ['create'] })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

/** The JSON reply to a create: enough for kubectl to print its success line. */
function reply(path: string): unknown {
  if (path.endsWith('/token')) return { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: {}, spec: {}, status: { token: 'tok', expirationTimestamp: '2030-01-01T00:00:00Z' } };
  if (path.endsWith('/selfsubjectaccessreviews')) return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {}, status: { allowed: true } };
  if (path.endsWith('/selfsubjectrulesreviews')) return { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {}, status: { resourceRules: [], nonResourceRules: [], incomplete: false } };
  if (path.endsWith('/selfsubjectreviews')) return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: { username: 'u' } } };
  const parts = path.split('/');
  const resource = parts.at(-1) ?? '';
  for (const [gv, rs] of Object.entries(GROUPS)) {
    const hit = rs.find((r) => r[0] === resource);
    if (hit && path.includes(gv === 'v1' ? '/api/v1/' : `/apis/${gv}/`)) return { kind: hit[1], apiVersion: gv, metadata: { name: 'created', namespace: 'default', uid: 'u', resourceVersion: '1' } };
  }
  return { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} };
}

const posts: { path: string; ct: string; body: Buffer }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (code: number, obj: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (path === '/apis') {
      const groups = Object.keys(GROUPS).filter((gv) => gv.includes('/')).map((gv) => {
        const [name = '', version = ''] = gv.split('/');
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    const gv = path === '/api/v1' ? 'v1' : path.replace(/^\/apis\//, '');
    const rs = GROUPS[gv];
    if (req.method === 'GET' && rs) return send(200, resourceList(gv, rs));
    if (req.method === 'POST') {
      posts.push({ path, ct: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      return send(201, reply(path));
    }
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
  });
});

async function kubectl(bin: string, args: string[], port: number): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'pbcap-'));
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
users: [{name: u, user: {token: abc}}]
`);
  try {
    const { stdout } = await run(bin, args, { env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: kubeconfig }, timeout: 30_000 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    // `auth can-i` exits non-zero for "no"; keep going, the body was recorded.
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? dirname(await which('kubectl'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  for (const c of CASES) {
    for (const [ver, file] of [['1.32', `${c.name}.pb`], ['1.31', `${c.name}.v131.json`]] as const) {
      posts.length = 0;
      const out = await kubectl(join(dir, `kubectl.${ver}`), c.args, port);
      const post = posts.at(-1);
      if (!post) throw new Error(`${c.name} (${ver}): no POST seen; kubectl said: ${out}`);
      console.log(`${c.name} ${ver}: POST ${post.path} ${post.ct} ${post.body.length} bytes`);
      const want = ver === '1.32' ? 'application/vnd.kubernetes.protobuf' : 'application/json';
      if (post.ct !== want) throw new Error(`${c.name} (${ver}): expected ${want}, got ${post.ct}`);
      writeFileSync(join(here, file), ver === '1.31' ? `${JSON.stringify(JSON.parse(post.body.toString('utf8')), null, 2)}\n` : post.body);
    }
    if (c.dryRun) {
      const cut = c.args.includes('--') ? c.args.indexOf('--') : c.args.length;
      const args = [...c.args.slice(0, cut), '--dry-run=client', '-o', 'json', ...c.args.slice(cut)];
      const out = await kubectl(join(dir, 'kubectl.1.32'), args, port);
      writeFileSync(join(here, `${c.name}.dryrun.json`), `${JSON.stringify(JSON.parse(out), null, 2)}\n`);
    }
  }
  server.close();
}

async function which(cmd: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', `command -v ${cmd}`]);
  return realpathSync(stdout.trim());
}

await main();
