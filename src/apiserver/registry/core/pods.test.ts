import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../../apimachinery/errors.js';
import type { KObject } from '../resource.js';
import { imageTag } from './pod-defaults.js';
import type { Pod } from './pod-types.js';
import { pods, podStrategy } from './pods.js';
import { cells, created, createErrors, NOW, updateErrors } from './strategy-test-helpers.js';

const pod = (spec: Record<string, unknown> = {}, extra: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  ...extra,
});
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('pods: defaults and creation status', () => {
  it('fills the upstream shape of a minimal pod', () => {
    const p = created(pods, pod());
    assert.deepEqual(p.spec, {
      containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  for (const [image, tag, policy] of [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.27', '1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'latest', 'Always'],
    [`app@sha256:${'a'.repeat(64)}`, '', 'IfNotPresent'],
  ] as const) {
    it(`pulls ${image} with ${policy}`, () => {
      assert.equal(imageTag(image), tag);
      assert.equal(created(pods, pod({ containers: [{ name: 'c', image }] })).spec!.containers![0]!.imagePullPolicy, policy);
    });
  }

  it('defaults requests to limits, canonicalizes quantities and computes the QoS class', () => {
    const guaranteed = created(pods, pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '0.5', memory: '1024Mi' } } }] }));
    assert.deepEqual(guaranteed.spec!.containers![0]!.resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
    assert.equal(guaranteed.status!.qosClass, 'Guaranteed');
    const burstable = created(pods, pod({ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '100m' } } }] }));
    assert.equal(burstable.status!.qosClass, 'Burstable');
  });

  it('rejects an unparsable quantity as upstream decoding does (400)', () => {
    assert.throws(
      () => created(pods, pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 'lots' } } }] })),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message.startsWith('Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression'),
    );
  });

  it('defaults probes, volumes and ports, and marks scheduling-gated pods', () => {
    const p = created(pods, pod({
      containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'x' } }],
      schedulingGates: [{ name: 'example.com/wait' }],
    }));
    const c = p.spec!.containers![0]!;
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(p.spec!.volumes, [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'x', defaultMode: 420 } }]);
    assert.equal(p.status!.conditions![0]!.reason, 'SchedulingGated');
  });
});

describe('pods: validation', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['no containers', { containers: [] }, 'spec.containers: Required value'],
    ['no image', { containers: [{ name: 'c' }] }, 'spec.containers[0].image: Required value'],
    ['bad container name', { containers: [{ name: 'Web_1', image: 'i' }] }, 'spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of'],
    ['duplicate names', { containers: [{ name: 'c', image: 'i' }, { name: 'c', image: 'j' }] }, 'spec.containers[1].name: Duplicate value: "c"'],
    ['restart policy', { restartPolicy: 'Sometimes' }, 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ['port range', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] }, 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ['env name', { containers: [{ name: 'c', image: 'i', env: [{ name: 'A=B' }] }] }, `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`],
    ['requests over limits', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }, 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    ['unknown resource', { containers: [{ name: 'c', image: 'i', resources: { limits: { cpus: '1' } } }] }, 'spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified'],
    ['pull policy', { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Sometimes' }] }, 'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    ['toleration', { tolerations: [{ key: 'k', operator: 'Maybe' }] }, 'spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"'],
    ['node selector', { nodeSelector: { 'bad key!': 'x' } }, 'spec.nodeSelector: Invalid value: "bad key!"'],
    ['sidecar restart policy', { initContainers: [{ name: 'i', image: 'i', restartPolicy: 'OnFailure' }] }, 'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ['two volume sources', { volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }, 'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      const errs = createErrors(pods, pod(spec));
      assert.ok(errs.some((e) => e.startsWith(want)), `${want}\n not in\n${errs.join('\n')}`);
    });
  }

  it('accepts a valid pod', () => {
    assert.deepEqual(createErrors(pods, pod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], env: [{ name: '1_RELAXED', value: 'ok' }] }] })), []);
  });
});

describe('pods: updates', () => {
  const stored = created(pods, pod({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] }));
  const change = (f: (p: Pod) => void) => {
    const p = structuredClone(stored);
    f(p);
    return updateErrors(pods, stored, p);
  };

  it('allows an image change, an added toleration and a lower deadline', () => {
    assert.deepEqual(change((p) => (p.spec!.containers![0]!.image = 'nginx:1.27')), []);
    assert.deepEqual(change((p) => p.spec!.tolerations!.push({ key: 'b', operator: 'Exists' })), []);
    assert.deepEqual(change((p) => (p.spec!.activeDeadlineSeconds = 60)), []);
  });

  it('forbids anything else with upstream wording', () => {
    const [err] = change((p) => (p.spec!.containers![0]!.ports = [{ containerPort: 81 }]));
    assert.ok(err!.startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), err);
    assert.deepEqual(change((p) => p.spec!.containers!.push({ name: 'd', image: 'i' })), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
    assert.deepEqual(change((p) => (p.spec!.tolerations = [])), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('binds through pods/binding once, despite spec immutability', () => {
    const target = structuredClone(stored);
    podStrategy.subresourceUpdates.binding(target, { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } } as KObject);
    assert.equal(target.spec!.nodeName, 'n1');
    assert.deepEqual(pods.strategy.validateUpdate!(target, stored), []);
    assert.equal(target.status!.conditions!.find((c) => c.type === 'PodScheduled')!.status, 'True');
    assert.throws(() => podStrategy.subresourceUpdates.binding(target, { target: { name: 'n2' } } as KObject), /pod p is already assigned to node "n1"/);
    assert.ok(updateErrors(pods, stored, { ...stored, spec: { ...stored.spec, nodeName: 'n1' } })[0]!.startsWith('spec: Forbidden'));
  });
});

describe('pods: graceful deletion (CheckGracefulDelete)', () => {
  const cases: [string, Pod, number | undefined, number][] = [
    ['unscheduled', pod(), undefined, 0],
    ['scheduled, default', pod({ nodeName: 'n', terminationGracePeriodSeconds: 30 }), undefined, 30],
    ['scheduled, requested', pod({ nodeName: 'n', terminationGracePeriodSeconds: 30 }), 5, 5],
    ['succeeded', pod({ nodeName: 'n', terminationGracePeriodSeconds: 30 }, { status: { phase: 'Succeeded' } }), 10, 0],
    ['negative', pod({ nodeName: 'n', terminationGracePeriodSeconds: -5 }), undefined, 1],
  ];
  for (const [name, p, requested, want] of cases) it(name, () => assert.equal(pods.strategy.gracePeriod!(p, requested), want));
});

describe('pods: printer', () => {
  const running = (extra: Partial<Pod['status']> = {}, meta = {}) =>
    pod({ nodeName: 'node-1' }, { metadata: { name: 'p', creationTimestamp: ago(300_000), ...meta }, status: { phase: 'Running', podIPs: [{ ip: '10.0.0.7' }], conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: ago(200_000) } } }], ...extra } });

  it('prints a running pod, wide columns included', () => {
    assert.deepEqual(cells(pods, running()), { Ready: '1/1', Status: 'Running', Restarts: '0', Age: '5m', IP: '10.0.0.7', Node: 'node-1', 'Nominated Node': '<none>', 'Readiness Gates': '<none>' });
  });

  it('prints a crash-looping pod with its last restart', () => {
    const p = running({ containerStatuses: [{ name: 'c', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(120_000) } } }] });
    assert.deepEqual([cells(pods, p).Ready, cells(pods, p).Status, cells(pods, p).Restarts], ['0/1', 'CrashLoopBackOff', '5 (2m ago)']);
  });

  it('prints Terminating once deletion started, Completed and init progress', () => {
    assert.equal(cells(pods, running({}, { deletionTimestamp: ago(-30_000) })).Status, 'Terminating');
    const done = running({ phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    assert.equal(cells(pods, done).Status, 'Completed');
    const init = pod({ initContainers: [{ name: 'i', image: 'x' }] }, { status: { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { running: {} } }], containerStatuses: [{ name: 'c', state: { waiting: { reason: 'PodInitializing' } } }] } });
    assert.equal(cells(pods, init).Status, 'Init:0/1');
    const gated = pod({}, { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
    assert.equal(cells(pods, gated).Status, 'SchedulingGated');
  });
});
