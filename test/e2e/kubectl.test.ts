/**
 * Stock kubectl against a spawned `eksplane apiserver`, on SQLite and on etcd: the commands of the
 * API server core issue behave as on a real cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd } from '../../src/store/etcd/etcd-test-server.js';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {tier: front}}
data: {mode: fast}
`;

for (const backend of ['sqlite', 'etcd'] as const) {
  describe(`kubectl on ${backend}`, () => {
    let s: RunningApiServer;
    let stopEtcd: (() => Promise<void>) | undefined;
    const k = (...args: string[]) => s.kubectl(args);
    const ok = (...args: string[]) => {
      const r = s.kubectl(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };

    before(async () => {
      let store: string | undefined;
      if (backend === 'etcd') {
        const etcd = await startEtcd();
        stopEtcd = etcd.stop;
        store = etcd.url;
      }
      s = await startApiServer({ store });
    });
    after(async () => {
      await s?.cleanup();
      await stopEtcd?.();
    });

    it('reports an EKS-style version and serves discovery', () => {
      const v = JSON.parse(ok('version', '-o', 'json')) as { serverVersion: { minor: string; gitVersion: string } };
      assert.equal(v.serverVersion.minor, '32+');
      assert.match(v.serverVersion.gitVersion, /^v1\.32\.\d+-eks-/);
      const res = ok('api-resources');
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      assert.match(ok('api-versions'), /^apps\/v1$/m);
    });

    it('creates, reads and changes objects', () => {
      const first = s.kubectl(['apply', '-f', '-'], MANIFEST);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /deployment.apps\/web created/);
      assert.match(first.stdout, /configmap\/settings created/);
      const again = s.kubectl(['apply', '-f', '-'], MANIFEST);
      assert.match(again.stdout, /deployment.apps\/web unchanged/);
      const changed = s.kubectl(['apply', '-f', '-'], MANIFEST.replace('nginx:1.25', 'nginx:1.26'));
      assert.match(changed.stdout, /deployment.apps\/web configured/);
      const c = JSON.parse(ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0]}'));
      assert.equal(c.image, 'nginx:1.26');
      assert.deepEqual(c.ports?.[0]?.containerPort, 80, 'strategic merge keeps the other container fields');
      assert.equal(ok('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation}'), '2');

      assert.equal(ok('get', 'cm', '-l', 'tier=front', '-o', 'name').trim(), 'configmap/settings');
      assert.equal(ok('get', 'cm', '--field-selector', 'metadata.name=settings', '-o', 'name').trim(), 'configmap/settings');
      assert.equal(ok('get', 'cm', '-l', 'tier in (back)', '-o', 'name').trim(), '');
      assert.match(ok('get', 'ns'), /^kube-system\s+Active\s+\d+s$/m);
      assert.match(ok('get', 'deploy', '-A'), /^default\s+web\s/m);
      const y = ok('get', 'cm', 'settings', '-o', 'yaml');
      assert.match(y, /mode: fast/);
      assert.match(y, /resourceVersion: "\d+"/);

      ok('label', 'cm', 'settings', 'color=blue');
      ok('annotate', 'cm', 'settings', 'note=hi');
      assert.equal(ok('get', 'cm', 'settings', '-o', 'jsonpath={.metadata.labels.color}/{.metadata.annotations.note}'), 'blue/hi');
      const relabel = k('label', 'cm', 'settings', 'color=red');
      assert.notEqual(relabel.code, 0, 'relabel without --overwrite must fail');
      ok('label', '--overwrite', 'cm', 'settings', 'color=red');

      assert.match(ok('scale', 'deploy', 'web', '--replicas=4'), /scaled/);
      assert.equal(ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'), '4');
      assert.match(ok('describe', 'cm', 'settings'), /Name:\s+settings/);
    });

    it('has the kubernetes service and answers cluster-info', () => {
      assert.match(ok('get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}'), /^10\.100\.0\.1$/);
      assert.match(ok('cluster-info'), /Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+/);
    });

    it('creates objects from kubectl generators (protobuf bodies)', () => {
      assert.match(ok('create', 'namespace', 'team-a'), /namespace\/team-a created/);
      assert.match(ok('create', 'deployment', 'gen', '--image=nginx', '--replicas=3', '-n', 'team-a'), /created/);
      assert.equal(ok('get', 'deploy', 'gen', '-n', 'team-a', '-o', 'jsonpath={.spec.replicas}/{.spec.strategy.type}'), '3/RollingUpdate');
      assert.match(ok('create', 'secret', 'generic', 's', '--from-literal=k=v', '-n', 'team-a'), /created/);
      assert.equal(ok('get', 'secret', 's', '-n', 'team-a', '-o', 'jsonpath={.data.k}'), Buffer.from('v').toString('base64'));
    });

    it('applies server-side with managed fields, conflicts and --force-conflicts', () => {
      const doc = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ssa}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ssa}}
  template:
    metadata: {labels: {app: ssa}}
    spec: {containers: [{name: c, image: nginx:1}]}
`;
      assert.match(s.kubectl(['apply', '--server-side', '-f', '-'], doc(2)).stdout, /serverside-applied/);
      ok('scale', 'deploy', 'ssa', '--replicas=5');
      const conflict = s.kubectl(['apply', '--server-side', '-f', '-'], doc(3));
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas/);
      const forced = s.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], doc(3));
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(ok('get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}'), '3');
      assert.match(ok('get', 'deploy', 'ssa', '-o', 'jsonpath={.metadata.managedFields[0].manager}/{.metadata.managedFields[0].operation}'), /^kubectl\/Apply$/);
      ok('set', 'image', 'deploy/ssa', 'c=nginx:2');
      ok('rollout', 'restart', 'deploy/ssa');
      assert.match(ok('get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.metadata.annotations}'), /^nginx:2 .*restartedAt/);
    });

    it('reports errors as a real server does', () => {
      const missing = k('get', 'deploy', 'nope');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Error from server \(NotFound\): deployments.apps "nope" not found/);
      const dup = s.kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n');
      assert.match(dup.stderr, /Error from server \(AlreadyExists\).*configmaps "settings" already exists/);
      const bad = s.kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n');
      assert.match(bad.stderr, /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
      const sel = k('get', 'cm', '--field-selector', 'data.mode=fast');
      assert.match(sel.stderr, /field label not supported: data.mode/);
    });

    it('waits for a jsonpath and for deletion', () => {
      ok('create', 'configmap', 'waitme', '--from-literal=k=v');
      assert.match(ok('wait', '--for=jsonpath={.data.k}=v', 'cm/waitme', '--timeout=10s'), /condition met/);
      const waiter = s.kubectl(['delete', 'cm', 'waitme', '--wait=true']);
      assert.equal(waiter.code, 0, waiter.stderr);
      const gone = k('wait', '--for=delete', 'cm/waitme', '--timeout=5s');
      assert.equal(gone.code, 0, gone.stderr);
    });

    it('watches changes', async () => {
      const { spawn } = await import('node:child_process');
      const w = spawn('kubectl', ['--kubeconfig', s.kubeconfig, 'get', 'cm', '--watch', '-o', 'name'], { env: { ...process.env, HOME: `${s.dir}/home` } });
      let out = '';
      w.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await eventually(() => out.includes('configmap/settings'), 10_000, 'initial list');
      ok('create', 'configmap', 'watched');
      await eventually(() => out.includes('configmap/watched'), 10_000, 'watch event');
      w.kill();
    });
  });
}
