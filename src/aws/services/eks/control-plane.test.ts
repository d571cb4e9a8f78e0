/** limitProvisioning: bring-ups beyond the limit wait their turn, in order; the rest passes through. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { limitProvisioning, type ControlPlaneCluster, type ControlPlaneEndpoint, type ControlPlaneProvider } from './control-plane.js';

const cluster = (name: string): ControlPlaneCluster => ({ account: '000000000000', region: 'us-east-1', name, id: name, arn: `arn:${name}`, version: '1.32', platformVersion: 'eks.1', encryptsSecrets: false });

it('runs at most `max` provisions at once and starts the waiting ones in arrival order', async () => {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  let inFlight = 0;
  let peak = 0;
  const deprovisioned: string[] = [];
  const inner: ControlPlaneProvider = {
    async provision(c) {
      started.push(c.name);
      peak = Math.max(peak, ++inFlight);
      await new Promise<void>((resolve) => finish.set(c.name, resolve));
      inFlight--;
      if (c.name === 'c') throw new Error('bring-up failed');
      return { endpoint: `https://${c.name}`, certificateAuthorityData: '', oidcIssuer: '' };
    },
    ready: async () => true,
    deprovision: async (c) => void deprovisioned.push(c.name),
  };
  const limited = limitProvisioning(inner, 2);
  const results = ['a', 'b', 'c', 'd', 'e'].map((n) => limited.provision(cluster(n)).then((e: ControlPlaneEndpoint) => e.endpoint, (err: Error) => err.message));
  const tick = () => new Promise((r) => setImmediate(r));
  await tick();
  assert.deepEqual(started, ['a', 'b']);
  // Other calls never wait behind bring-ups.
  await limited.deprovision(cluster('z'));
  assert.deepEqual(deprovisioned, ['z']);
  finish.get('b')!();
  await tick();
  assert.deepEqual(started, ['a', 'b', 'c']);
  finish.get('c')!(); // fails: its slot is released all the same
  await tick();
  assert.deepEqual(started, ['a', 'b', 'c', 'd']);
  finish.get('a')!();
  await tick();
  finish.get('d')!();
  await tick();
  finish.get('e')!();
  assert.deepEqual(await Promise.all(results), ['https://a', 'https://b', 'bring-up failed', 'https://d', 'https://e']);
  assert.equal(peak, 2);
  assert.equal(limited.updated, undefined, 'no updated() when the provider has none');
});
