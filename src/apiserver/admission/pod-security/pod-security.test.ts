import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pod, startHarness, type Harness } from '../testing.js';
import { evaluatePod, forbiddenDetail } from './policy.js';
import type { PodSpecPS } from './model.js';

const label = (mode: string, level: string) => ({ [`pod-security.kubernetes.io/${mode}`]: level });
const restrictedOk = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

describe('PodSecurity', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ plugins: ['PodSecurity'] });
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'strict', labels: label('enforce', 'restricted') } });
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'base', labels: { ...label('enforce', 'baseline'), ...label('warn', 'restricted'), ...label('audit', 'restricted') } } });
  });
  after(() => h.stop());

  it('refuses a plain pod under restricted with every reason, in upstream order and wording', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/strict/pods', pod('p'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(
      r.body.message,
      'pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('admits a compliant pod', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/strict/pods', pod('ok', restrictedOk));
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  it('enforces baseline: host namespaces, privileged, hostPath, host ports, capabilities', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/base/pods', pod('bad', {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } } }],
    }));
    assert.equal(r.status, 403);
    assert.equal(
      r.body.message,
      'pods "bad" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "root"), hostPort (container "c" uses hostPort 8080), privileged (container "c" must not set securityContext.privileged=true)',
    );
  });

  it('warns and audits the warn/audit levels when enforce allows the pod', () => {
    const a = h.attributes({ operation: 'CREATE', namespace: 'base', object: pod('w') }, '', 'pods');
    return h.chain.validate(a).then(() => {
      assert.deepEqual(a.warnings, [
        'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      ]);
      assert.equal(a.auditAnnotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
      assert.match(a.auditAnnotations?.['pod-security.kubernetes.io/audit-violations'] ?? '', /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation/);
    });
  });

  it('only warns on workload templates, never refuses them', async () => {
    const d = { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } } };
    const r = await h.call('POST', '/apis/apps/v1/namespaces/strict/deployments', d);
    assert.equal(r.status, 201, 'enforce does not apply to templates');
    const a = h.attributes({ operation: 'CREATE', namespace: 'base', object: { apiVersion: 'apps/v1', kind: 'Deployment', ...d } }, 'apps', 'deployments');
    await h.chain.validate(a);
    assert.equal(a.warnings?.length, 1);
    assert.match(a.warnings![0]!, /^would violate PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext.privileged=true\), allowPrivilegeEscalation != false/);
  });

  it('refuses invalid namespace labels and warns about existing pods when tightening', async () => {
    const bad = await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'typo', labels: label('enforce', 'strict') } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'namespaces "typo" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    await h.call('POST', '/api/v1/namespaces/default/pods', pod('p1'));
    await h.call('POST', '/api/v1/namespaces/default/pods', pod('p2'));
    const ns = h.api.storeFor('', 'namespaces')!.getEntry(undefined, 'default').obj;
    const next = structuredClone(ns);
    next.metadata!.labels = { ...next.metadata!.labels, ...label('enforce', 'restricted'), 'pod-security.kubernetes.io/enforce-version': 'v1.30' };
    const a = h.attributes({ operation: 'UPDATE', name: 'default', object: next, oldObject: ns }, '', 'namespaces');
    await h.chain.validate(a);
    assert.deepEqual(a.warnings, [
      'existing pods in namespace "default" violate the new PodSecurity enforce level "restricted:v1.30"',
      'p1 (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });

  it('looks at pod updates only when an image changes', async () => {
    await h.seed('', 'pods', { ...pod('old'), metadata: { name: 'old', namespace: 'strict' } });
    const labels = await h.call('PATCH', '/api/v1/namespaces/strict/pods/old', { metadata: { labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
    assert.equal(labels.status, 200, JSON.stringify(labels.body));
    const image = await h.call('PATCH', '/api/v1/namespaces/strict/pods/old', { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }, { contentType: 'application/strategic-merge-patch+json' });
    assert.equal(image.status, 403);
    assert.match(image.body.message, /^pods "old" is forbidden: violates PodSecurity "restricted:latest": /);
  });
});

describe('Pod Security checks', () => {
  const detail = (level: 'baseline' | 'restricted', spec: PodSpecPS, version?: number) => forbiddenDetail(evaluatePod({ level, version }, {}, spec));

  it('words the remaining baseline checks as upstream', () => {
    assert.equal(
      detail('baseline', {
        securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.ipv4.tcp_syncookies' }], seLinuxOptions: { type: 'spc_t', user: 'u' }, seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } },
        containers: [{ name: 'c', securityContext: { procMount: 'Unmasked', windowsOptions: { hostProcess: true } } }],
      }),
      'forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined"), procMount (container "c" must not set securityContext.procMount to "Unmasked"), ' +
        'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined"), ' +
        'forbidden sysctls (kernel.msgmax), hostProcess (container "c" must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });

  it('allows sysctls by policy version', () => {
    const spec = { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time' }] }, containers: [] };
    assert.equal(detail('baseline', spec, 28), 'forbidden sysctls (net.ipv4.tcp_keepalive_time)');
    assert.equal(detail('baseline', spec, 29), '');
  });

  it('words the restricted volume, runAsUser and capability-add checks, replacing their baseline twins', () => {
    assert.equal(
      detail('restricted', {
        securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'Localhost' } },
        volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'e', emptyDir: {} }],
        containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_TIME'] } } }],
      }),
      'unrestricted capabilities (container "a" must not include "SYS_TIME" in securityContext.capabilities.add), restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs"), runAsUser=0 (pod must not set runAsUser=0)',
    );
  });

  it('exempts Windows pods from Linux-only restricted checks from 1.25', () => {
    const spec = { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c' }] };
    assert.equal(detail('restricted', spec), '');
    assert.match(detail('restricted', spec, 24), /^allowPrivilegeEscalation != false/);
  });
});
