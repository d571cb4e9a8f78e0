/**
 * Bad input never gets a 500, a hang or a crash: thousands of randomly damaged objects (types
 * swapped, members dropped or nulled, junk added) for every built-in resource, through every
 * write verb. (That rejected input changes nothing is pinned in api-server.test.ts.)
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { bootstrapCluster } from '../server/bootstrap.js';
import { kubernetesVersion } from '../server/version.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import { ApiServer } from './api-server.js';
import { builtinIndexes, builtinResources } from './registry/builtin.js';
import { groupVersion } from './registry/resource.js';

const SEEDS: Record<string, object> = {
  pods: { spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '1' } } }], restartPolicy: 'Always', tolerations: [{ key: 'k', operator: 'Exists' }] } },
  services: { spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080, name: 'http' }] } },
  configmaps: { data: { a: 'b' } },
  secrets: { type: 'Opaque', stringData: { a: 'b' } },
  nodes: { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' } } },
  deployments: { spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
  statefulsets: { spec: { serviceName: 's', selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  daemonsets: { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  jobs: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
  cronjobs: { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } },
  leases: { spec: { holderIdentity: 'me', leaseDurationSeconds: 40 } },
  events: { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'R', message: 'm', type: 'Normal' },
  'events.k8s.io/events': { regarding: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'R', note: 'm', type: 'Normal', action: 'A', reportingController: 'x/y', reportingInstance: 'i', eventTime: '2026-01-01T00:00:00.000000Z' },
  endpoints: { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
  serviceaccounts: { secrets: [{ name: 's' }] },
};

/** A deterministic pseudo-random source, so a failure reproduces. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const JUNK: unknown[] = [null, 0, -1, 1.5, 1e308, '', 'x', 'Bad_Name!', '%%', true, false, [], [1, 'a'], {}, { $patch: 'delete' }, 'A'.repeat(300)];

function damage(v: unknown, r: () => number, depth = 0): unknown {
  if (depth > 6) return v;
  if (r() < 0.08) return JUNK[Math.floor(r() * JUNK.length)];
  if (Array.isArray(v)) return v.map((x) => damage(x, r, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const roll = r();
      if (roll < 0.05) continue;
      out[roll < 0.08 ? `${k}x` : k] = damage(x, r, depth + 1);
    }
    return out;
  }
  return v;
}

it('thousands of damaged requests are answered without a server error', async () => {
  const store = await openMemoryStore();
  const api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
  await api.start();
  await bootstrapCluster(api);
  const r = rng(42);
  const send = async (method: string, path: string, body: unknown, contentType = 'application/json') => {
    const res = await api.handle({
      method,
      path,
      query: new URLSearchParams(),
      headers: { 'content-type': contentType },
      body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      user: { name: 'admin', groups: ['system:masters'] },
      signal: new AbortController().signal,
    });
    assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body).slice(0, 400)} → ${res.status} ${String(res.body).slice(0, 400)}`);
    return res.status;
  };
  let requests = 0;
  for (const def of builtinResources) {
    const seed = SEEDS[def.group ? `${def.group}/${def.plural}` : def.plural] ?? (def.group === 'events.k8s.io' ? undefined : SEEDS[def.plural]);
    if (!seed) continue;
    const base = `/${def.group ? `apis/${def.group}` : 'api'}/${def.version}${def.namespaced ? '/namespaces/default' : ''}/${def.plural}`;
    const good = { apiVersion: groupVersion(def), kind: def.kind, metadata: { name: `fz-${def.plural}`, labels: { a: 'b' } }, ...seed };
    assert.ok((await send('POST', base, good)) < 300, `seed for ${def.plural} is valid`);
    for (let i = 0; i < 150; i++) {
      const bad = damage({ ...good, metadata: { ...good.metadata, name: `fz-${def.plural}` } }, r) as Record<string, unknown>;
      await send('PUT', `${base}/fz-${def.plural}`, bad);
      await send('PATCH', `${base}/fz-${def.plural}`, damage(seed, r), 'application/merge-patch+json');
      await send('PATCH', `${base}/fz-${def.plural}`, damage(seed, r), 'application/strategic-merge-patch+json');
      await send('PATCH', `${base}/fz-${def.plural}`, [{ op: ['add', 'replace', 'remove', 'move', 'test'][i % 5], path: ['/spec', '/metadata/labels/a', '/x/y', '', '/data'][i % 5], value: JUNK[i % JUNK.length] }], 'application/json-patch+json');
      await send('POST', base, { ...bad, metadata: { name: `fz-new-${i}` } });
      requests += 5;
    }
  }
  assert.ok(requests >= 5000, `sent ${requests}`);
  api.stop();
});
