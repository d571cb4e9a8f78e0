/**
 * Golden tests of the stage table: each testdata/<case>.input.json names a pod and the moments
 * (ms after it was bound) at which its kubelet runs the due stages; <case>.expected.json pins the
 * status the kubelet writes then and the events it records. UPDATE_GOLDEN=1 rewrites the files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { renderPodStatus } from './pod-status.js';
import { DEFAULT_TIMINGS, newPodRuntime } from './runtime.js';
import { admit, kill, runDueStages, type StageEnv } from './stages.js';

const DIR = join(import.meta.dirname, 'testdata');
const T0 = Date.UTC(2026, 0, 1);

interface GoldenInput {
  pod: Pod;
  /** Moments (ms after binding) at which the kubelet syncs the pod. */
  at: number[];
  /** Sync at which the pod is deleted (its index in `at`). */
  deleteAt?: number;
  /** The CNI refuses addresses. */
  networkFull?: boolean;
  /** Images already on the node. */
  images?: string[];
}

async function run(input: GoldenInput): Promise<{ status: unknown; events: string[] }> {
  let pod: Pod = structuredClone(input.pod);
  const rt = newPodRuntime(pod, 'ip-10-0-1-10.us-west-2.compute.internal', '10.0.1.10');
  const images = new Set(input.images ?? []);
  const events: string[] = [];
  const env: StageEnv = {
    now: T0,
    timings: DEFAULT_TIMINGS,
    hasImage: (i) => images.has(i),
    addImage: (i) => void images.add(i),
    setUpNetwork: async () => (input.networkFull ? { error: 'plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container' } : { ip: '10.0.1.42' }),
    event: (type, reason, message) => void events.push(`${rfcOffset(env.now)} ${type} ${reason}: ${message}`),
    log: () => {},
    rotateLog: () => {},
  };
  admit(pod, rt, env);
  for (const [i, at] of input.at.entries()) {
    env.now = T0 + at;
    if (input.deleteAt === i) {
      pod = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(env.now).toISOString(), deletionGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30 } };
      kill(pod, rt, env);
    }
    await runDueStages(pod, rt, env);
    pod = { ...pod, status: renderPodStatus(pod, rt, env.now) };
  }
  return { status: pod.status, events };
}

function rfcOffset(ms: number): string {
  return `+${ms - T0}ms`;
}

describe('kubelet stages (golden)', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.input.json')).sort()) {
    const name = file.slice(0, -'.input.json'.length);
    it(name, async () => {
      const input = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as GoldenInput;
      const got = await run(input);
      const expectedPath = join(DIR, `${name}.expected.json`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(expectedPath, `${JSON.stringify(got, null, 2)}\n`);
      assert.deepEqual(got, JSON.parse(readFileSync(expectedPath, 'utf8')));
    });
  }
});
