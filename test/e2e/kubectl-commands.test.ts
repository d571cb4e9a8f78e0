/**
 * The everyday kubectl 1.32 commands against a spawned `eksplane apiserver`, asserting what a
 * person sees on a real cluster: `create <kind>` generators (protobuf request bodies, checked in
 * kubectl's -v=8 request log), client-side and server-side apply, diff, edit through
 * KUBE_EDITOR, the three patch types, set image, rollout restart, explain, and auth.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const APP = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
        env:
        - {name: MODE, value: fast}
${extra}`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        description: A widget is a small thing.
        properties:
          spec:
            type: object
            description: Desired state of the widget.
            required: [size]
            properties:
              size: {type: integer, minimum: 1, description: How big the widget is.}
              color: {type: string, enum: [red, blue]}
              parts:
                type: array
                items:
                  type: object
                  properties:
                    name: {type: string}
                    count: {type: integer}
          status:
            type: object
            properties:
              phase: {type: string}
`;

describe('kubectl commands', () => {
  let s: RunningApiServer;
  const k = (...args: string[]) => s.kubectl(args);
  const ok = (...args: string[]) => {
    const r = s.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const okIn = (input: string, ...args: string[]) => {
    const r = s.kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const get = (what: string, path: string, ...more: string[]) => ok('get', what, ...more, '-o', `jsonpath=${path}`);
  /** kubectl with extra environment variables (the harness passes only HOME). */
  const kEnv = (env: Record<string, string>, ...args: string[]) => {
    const r = spawnSync('kubectl', ['--kubeconfig', s.kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: join(s.dir, 'home'), ...env }, timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('creates every generator kind with a protobuf request body', () => {
    const created = (args: string[], printed: string) => {
      const r = k('-v=8', 'create', ...args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), `${printed} created`);
      const log = r.stderr.split('\n');
      const post = log.findIndex((l) => / POST https:/.test(l));
      assert.ok(post >= 0, `no POST in the request log of create ${args.join(' ')}`);
      const headers = log.slice(post + 1, log.findIndex((l, i) => i > post && /Response Status: 201 Created/.test(l)));
      assert.ok(headers.some((l) => /\]\s+Content-Type: application\/vnd\.kubernetes\.protobuf$/.test(l)), `create ${args[0]} sent protobuf: ${headers.join('\n')}`);
    };
    created(['namespace', 'team'], 'namespace/team');
    created(['configmap', 'settings', '--from-literal=mode=fast', '--from-literal=level=3', '-n', 'team'], 'configmap/settings');
    created(['secret', 'generic', 'creds', '--from-literal=user=admin', '-n', 'team'], 'secret/creds');
    created(['deployment', 'web', '--image=nginx:1.25', '--replicas=3', '--port=80', '-n', 'team'], 'deployment.apps/web');
    created(['service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'team'], 'service/web');
    created(['job', 'once', '--image=busybox', '-n', 'team', '--', 'echo', 'hi'], 'job.batch/once');
    created(['role', 'reader', '--verb=get,list,watch', '--resource=pods,configmaps', '-n', 'team'], 'role.rbac.authorization.k8s.io/reader');
    created(['rolebinding', 'reader', '--role=reader', '--user=alice', '--serviceaccount=team:robot', '-n', 'team'], 'rolebinding.rbac.authorization.k8s.io/reader');
    created(['serviceaccount', 'robot', '-n', 'team'], 'serviceaccount/robot');

    assert.equal(get('ns/team', '{.status.phase}'), 'Active');
    assert.equal(get('cm/settings', '{.data.mode}/{.data.level}', '-n', 'team'), 'fast/3');
    assert.equal(get('secret/creds', '{.type} {.data.user}', '-n', 'team'), `Opaque ${Buffer.from('admin').toString('base64')}`);
    assert.equal(
      get('deploy/web', '{.spec.replicas} {.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.template.spec.restartPolicy}', '-n', 'team'),
      '3 RollingUpdate 25% 80 Always',
    );
    assert.equal(get('svc/web', '{.spec.type} {.spec.ports[0].port}->{.spec.ports[0].targetPort} {.spec.selector.app}', '-n', 'team'), 'ClusterIP 80->8080 web');
    assert.equal(get('job/once', '{.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy} {.spec.backoffLimit}', '-n', 'team'), '["echo","hi"] Never 6');
    assert.equal(get('role/reader', '{.rules[0].resources} {.rules[0].verbs}', '-n', 'team'), '["pods","configmaps"] ["get","list","watch"]');
    assert.equal(get('rolebinding/reader', '{.roleRef.kind}/{.roleRef.name} {.subjects[*].name}', '-n', 'team'), 'Role/reader alice robot');
    assert.match(ok('get', 'sa', 'robot', '-n', 'team'), /^robot\s+0\s+\d+s$/m);

    const dup = k('create', 'configmap', 'settings', '-n', 'team');
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim(), 'error: failed to create configmap: configmaps "settings" already exists');
  });

  it('creates a service account token, or says the subresource is not served', (t) => {
    ok('create', 'serviceaccount', 'tokens');
    const r = k('create', 'token', 'tokens', '--duration=10m', '--audience=https://example.com');
    if (r.code === 0) {
      const [, payload] = r.stdout.trim().split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { sub: string; aud: string[]; exp: number; iat: number };
      assert.equal(claims.sub, 'system:serviceaccount:default:tokens');
      assert.deepEqual(claims.aud, ['https://example.com']);
      assert.equal(claims.exp - claims.iat, 600);
      const missing = k('create', 'token', 'nobody');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
    } else {
      t.diagnostic('serviceaccounts/token is not served by `eksplane apiserver` yet');
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), 'error: failed to create token: the server could not find the requested resource');
    }
  });

  it('applies client-side, then a change merges with fields others set', () => {
    assert.equal(okIn(APP('nginx:1.25', '        - {name: DEBUG, value: "1"}\n'), 'apply', '-f', '-').trim(), 'deployment.apps/app created');
    assert.match(get('deploy/app', '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'), /"image":"nginx:1.25"/);
    assert.equal(okIn(APP('nginx:1.25', '        - {name: DEBUG, value: "1"}\n'), 'apply', '-f', '-').trim(), 'deployment.apps/app unchanged');
    // Someone else changes things the manifest does not mention.
    ok('label', 'deploy', 'app', 'owner=ops');
    ok('annotate', 'deploy', 'app', 'note=keep');
    ok('patch', 'deploy', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","resources":{"limits":{"cpu":"1"}}}]}}}}');
    // The new manifest changes the image and replicas and drops the DEBUG variable.
    const changed = okIn(APP('nginx:1.26').replace('replicas: 2', 'replicas: 4'), 'apply', '-f', '-');
    assert.equal(changed.trim(), 'deployment.apps/app configured');
    const c = JSON.parse(get('deploy/app', '{.spec.template.spec.containers[0]}')) as { image: string; env: unknown[]; resources: unknown; ports: unknown[] };
    assert.equal(c.image, 'nginx:1.26');
    assert.deepEqual(c.env, [{ name: 'MODE', value: 'fast' }], 'a variable removed from the manifest is removed');
    assert.deepEqual(c.resources, { limits: { cpu: '1' } }, "another writer's field is kept");
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.equal(get('deploy/app', '{.spec.replicas} {.metadata.labels.owner} {.metadata.annotations.note} {.metadata.generation}'), '4 ops keep 3');
  });

  it('applies server-side, conflicts with another manager and forces', () => {
    const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {level: "${level}", mode: slow}\n`;
    assert.equal(okIn(cm('1'), 'apply', '--server-side', '-f', '-').trim(), 'configmap/ssa serverside-applied');
    assert.equal(okIn(cm('1'), 'apply', '--server-side', '-f', '-').trim(), 'configmap/ssa serverside-applied');
    ok('patch', 'cm', 'ssa', '--type=merge', '-p', '{"data":{"level":"2"}}');
    const conflict = s.kubectl(['apply', '--server-side', '-f', '-'], cm('3'));
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: \.data\.level$/m);
    assert.match(conflict.stderr, /Please review the fields above--they currently have other managers/);
    assert.equal(get('cm/ssa', '{.data.level}'), '2', 'nothing stored on conflict');
    assert.equal(okIn(cm('3'), 'apply', '--server-side', '--force-conflicts', '-f', '-').trim(), 'configmap/ssa serverside-applied');
    const managers = JSON.parse(get('cm/ssa', '{.metadata.managedFields}', '--show-managed-fields')) as { manager: string; operation: string; fieldsV1: Record<string, unknown> }[];
    assert.deepEqual(
      managers.map((m) => `${m.manager}/${m.operation}`),
      ['kubectl/Apply'],
      'the forced apply takes .data.level from kubectl-patch, which then owns nothing',
    );
    assert.deepEqual(managers[0]!.fieldsV1, { 'f:data': { 'f:level': {}, 'f:mode': {} } });
    assert.equal(get('cm/ssa', '{.data.level}'), '3');
  });

  it('diffs: exit 1 with the change, 0 without', () => {
    const manifest = APP('nginx:1.26').replace('replicas: 2', 'replicas: 4');
    writeFileSync(join(s.dir, 'app.yaml'), manifest);
    const same = k('diff', '-f', join(s.dir, 'app.yaml'));
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '');
    writeFileSync(join(s.dir, 'app.yaml'), manifest.replace('nginx:1.26', 'nginx:1.27'));
    const diff = k('diff', '-f', join(s.dir, 'app.yaml'));
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^diff -u -N \S+\/LIVE-\d+\/apps\.v1\.Deployment\.default\.app \S+\/MERGED-\d+\/apps\.v1\.Deployment\.default\.app$/m);
    assert.match(diff.stdout, /^-\s+image: nginx:1\.26$/m);
    assert.match(diff.stdout, /^\+\s+image: nginx:1\.27$/m);
    assert.match(diff.stdout, /^-\s+generation: 3$/m);
    assert.match(diff.stdout, /^\+\s+generation: 4$/m);
    assert.doesNotMatch(diff.stdout, /managedFields/, 'diff hides managed fields');
    assert.equal(get('deploy/app', '{.spec.template.spec.containers[0].image}'), 'nginx:1.26', 'diff stores nothing');
  });

  it('edits through KUBE_EDITOR', () => {
    const editor = join(s.dir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i -e "s/image: nginx:1.26/image: nginx:1.28/" -e "s/^  replicas: 4$/  replicas: 5/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = kEnv({ KUBE_EDITOR: editor }, 'edit', 'deploy', 'app');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'deployment.apps/app edited');
    assert.equal(get('deploy/app', '{.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].resources.limits.cpu}'), '5 nginx:1.28 1');
    const noop = kEnv({ KUBE_EDITOR: 'true' }, 'edit', 'deploy', 'app');
    assert.equal(noop.code, 0, noop.stderr);
    assert.match(noop.stderr, /Edit cancelled, no changes made\./);
  });

  it('patches with strategic merge, JSON merge and JSON patch', () => {
    assert.equal(ok('patch', 'deploy', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}').trim(), 'deployment.apps/app patched');
    assert.equal(get('deploy/app', '{.spec.template.spec.containers[*].name}'), 'sidecar web', 'strategic merge adds by name and keeps web');
    ok('patch', 'deploy', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}');
    assert.equal(get('deploy/app', '{.spec.template.spec.containers[*].name}'), 'web');

    ok('patch', 'deploy', 'app', '--type=merge', '-p', '{"metadata":{"labels":{"owner":null,"tier":"front"}}}');
    assert.equal(get('deploy/app', '{.metadata.labels}'), '{"app":"app","tier":"front"}');
    ok('patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.29"}]}}}}');
    assert.deepEqual(JSON.parse(get('deploy/app', '{.spec.template.spec.containers[0]}')).ports, undefined, 'a merge patch replaces lists whole');

    ok('patch', 'deploy', 'app', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1},{"op":"add","path":"/metadata/annotations/json","value":"yes"},{"op":"remove","path":"/metadata/labels/tier"}]');
    assert.equal(get('deploy/app', '{.spec.replicas} {.metadata.annotations.json} {.metadata.labels}'), '1 yes {"app":"app"}');
    const failedTest = k('patch', 'deploy', 'app', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]');
    assert.equal(failedTest.code, 1);
    assert.match(failedTest.stderr, /The request is invalid/);
    const noop = ok('patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"replicas":1}}');
    assert.equal(noop.trim(), 'deployment.apps/app patched (no change)');
  });

  it('sets the image and restarts a rollout', () => {
    ok('create', 'deployment', 'roll', '--image=nginx:1.25', '--image=redis:7');
    const gen = Number(get('deploy/roll', '{.metadata.generation}'));
    assert.equal(ok('set', 'image', 'deploy/roll', 'nginx=nginx:1.26').trim(), 'deployment.apps/roll image updated');
    assert.equal(get('deploy/roll', '{.spec.template.spec.containers[*].image}'), 'nginx:1.26 redis:7');
    ok('set', 'image', 'deploy/roll', '*=busybox:1.36');
    assert.equal(get('deploy/roll', '{.spec.template.spec.containers[*].image}'), 'busybox:1.36 busybox:1.36');
    const bad = k('set', 'image', 'deploy/roll', 'nope=x');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unable to find container named "nope"/);
    assert.equal(ok('rollout', 'restart', 'deploy/roll').trim(), 'deployment.apps/roll restarted');
    const at = get('deploy/roll', '{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}');
    assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(Number(get('deploy/roll', '{.metadata.generation}')), gen + 3);
  });

  it('explains a built-in kind and a CRD, also recursively', async () => {
    const strategy = ok('explain', 'deployment.spec.strategy');
    assert.match(strategy, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: strategy <DeploymentStrategy>\n/);
    assert.match(strategy, /^FIELDS:\n {2}rollingUpdate\t<RollingUpdateDeployment>\n/m);
    assert.match(strategy, /^ {2}type\t<string>$/m);
    const recursive = ok('explain', 'deployment', '--recursive');
    assert.match(recursive, /^ {4}strategy\t<DeploymentStrategy>\n {6}rollingUpdate\t<RollingUpdateDeployment>\n {8}maxSurge\t<IntOrString>\n {8}maxUnavailable\t<IntOrString>\n {6}type\t<string>$/m);
    assert.match(recursive, /^ {4}selector\t<LabelSelector> -required-$/m);
    // Upstream marks containers -required- (PodSpec.required); see the report on `required`.
    assert.match(recursive, /^ {6}spec\t<PodSpec>$/m);
    assert.match(recursive, /^ {8}containers\t<\[\]Container>( -required-)?\n {10}args\t<\[\]string>$/m);
    const missing = k('explain', 'deployment.spec.nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /field "nope" does not exist/);

    okIn(CRD, 'apply', '-f', '-');
    await eventually(() => k('explain', 'widget').code === 0, 5000, 'the CRD in OpenAPI');
    const spec = ok('explain', 'widget.spec');
    assert.match(spec, /^GROUP:\s+example\.com\nKIND:\s+Widget\nVERSION:\s+v1\n\nFIELD: spec <Object>\n/);
    assert.match(spec, /^DESCRIPTION:\n {4}Desired state of the widget\.$/m);
    assert.match(spec, /^ {2}size\t<integer> -required-\n {4}How big the widget is\.$/m);
    assert.match(spec, /^ {2}color\t<string>\n {2}enum: red, blue$/m);
    const all = ok('explain', 'widget', '--recursive');
    assert.match(all, /^DESCRIPTION:\n {4}A widget is a small thing\.$/m);
    assert.match(all, /^ {2}spec\t<Object>\n {4}color\t<string>\n {4}enum: red, blue\n {4}parts\t<\[\]Object>\n {6}count\t<integer>\n {6}name\t<string>\n {4}size\t<integer> -required-\n {2}status\t<Object>\n {4}phase\t<string>$/m);
  });

  it('answers auth can-i, can-i --list and whoami', () => {
    const yes = k('auth', 'can-i', 'create', 'pods');
    assert.equal(yes.code, 0);
    assert.equal(yes.stdout.trim(), 'yes');
    assert.equal(ok('auth', 'can-i', 'delete', 'deployments.apps', '-n', 'team').trim(), 'yes');
    const list = ok('auth', 'can-i', '--list');
    assert.match(list, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(list, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    assert.match(list, /^\s+\[\*\]\s+\[\]\s+\[\*\]$/m);
    const who = ok('auth', 'whoami');
    assert.match(who, /^ATTRIBUTE\s+VALUE$/m);
    assert.match(who, /^Username\s+kubernetes-admin$/m);
    assert.match(who, /^Groups\s+\[system:masters system:authenticated\]$/m);
    assert.deepEqual(JSON.parse(ok('auth', 'whoami', '-o', 'json')).status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });
});
