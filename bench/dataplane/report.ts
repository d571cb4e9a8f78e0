/**
 * The `bench:dataplane` section of docs/benchmarks.md: what bench/dataplane/run.ts measured, as
 * markdown, written between its own markers only (other sections belong to other benchmarks).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
export const DOC = join(ROOT, 'docs/benchmarks.md');
export const BEGIN = '<!-- bench:dataplane -->';
export const END = '<!-- /bench:dataplane -->';

/** One phase of the run: ms from the run's start to its end, and how much it reached. */
export interface Phase {
  name: string;
  /** ms from the start of the run (machines added) to the phase's end; undefined: not reached. */
  atMs: number | undefined;
  /** ms from the previous phase's end (or its own start) to its end. */
  durationMs: number | undefined;
  reached: number;
  target: number;
}

export interface DataPlaneBenchResults {
  date: string;
  command: string;
  commit: string;
  machine: { cores: number; cpu: string; node: string };
  load: { start: number[]; end: number[] };
  nodes: number;
  podsPerNode: number;
  deployments: number;
  replicasPerDeployment: number;
  instanceType: string;
  maxPods: number;
  security: boolean;
  timings: Record<string, number>;
  phases: Phase[];
  /** All pods Running+Ready ÷ time from the first Deployment created to the last pod Ready. */
  podsPerSecond: number | undefined;
  complete: boolean;
  timeoutMs: number;
  memory: { peakRssMiB: number; rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; gc: boolean };
  notes: string[];
}

const n = (x: number) => Math.round(x).toLocaleString('en');
const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function renderSection(r: DataPlaneBenchResults): string {
  const L: string[] = [BEGIN, '## Data plane: nodes Ready and pods Running', ''];
  L.push(`- Command: \`${r.command}\``);
  L.push(`- Date: ${r.date.slice(0, 19).replace('T', ' ')} UTC, commit ${r.commit}; ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}`);
  L.push(`- Load average (1/5/15 min) at start ${r.load.start.map((x) => x.toFixed(2)).join(' / ')}, at end ${r.load.end.map((x) => x.toFixed(2)).join(' / ')} — the machine is shared with other work; numbers taken under load are pessimistic.`);
  L.push(
    `- Setup: one process, real clock. In-process API server on the memory store ${r.security ? "with the EKS cluster's authorization (node authorizer, RBAC) and admission chain (NodeRestriction …), as src/server/control-planes.ts builds it" : 'without authorization or admission'}; every controller of src/controllers/manager.ts (startControllers) and the scheduler on one SharedInformers; the VPC CNI (src/dataplane/cni) over in-memory subnets (a /16 in each of 3 AZs, default aws-node settings: secondary IPs, WARM_ENI_TARGET=1); a KubeletFleet whose kubelets each write as \`system:node:<name>\` through their own in-process transport. No HTTPS, no EC2/IAM layer: machines are given to the fleet directly.`,
  );
  L.push(`- Workload: ${n(r.nodes)} machines (${r.instanceType}, max pods ${r.maxPods}) added at once; when all Nodes are Ready, ${r.deployments} Deployments of ${n(r.replicasPerDeployment)} replicas (${n(r.nodes * r.podsPerNode)} pods; pause image, 100m CPU / 128 MiB requests) created.`);
  L.push(`- Kubelet timings (quick, not the defaults): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}.`);
  L.push(`- Memory: after all pods are Running, ${r.memory.gc ? 'after a full GC (--expose-gc)' : 'without a forced GC (run with --expose-gc for one)'}. Peak RSS is the process's maxRSS.`, '');
  L.push('| Phase | Reached | At (from start) | Phase time |', '|---|---|---|---|');
  for (const p of r.phases) L.push(`| ${p.name} | ${n(p.reached)} / ${n(p.target)} | ${s(p.atMs)} | ${s(p.durationMs)} |`);
  L.push('');
  L.push(`- ${r.complete ? 'All pods Running and Ready' : `**Not complete** within the ${s(r.timeoutMs)} limit`}; pods Running+Ready per second (first Deployment created → last pod Ready): ${r.podsPerSecond === undefined ? '—' : n(r.podsPerSecond)}.`);
  L.push(`- Memory: peak RSS ${n(r.memory.peakRssMiB)} MiB; settled RSS ${n(r.memory.rssMiB)} MiB, heap used ${n(r.memory.heapUsedMiB)} MiB of ${n(r.memory.heapTotalMiB)} MiB, external ${n(r.memory.externalMiB)} MiB.`);
  for (const note of r.notes) L.push(`- ${note}`);
  L.push('', END);
  return L.join('\n');
}

/** Replaces the section between the markers (or appends it); returns the file written. */
export function updateDoc(section: string, file = DOC): string {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const a = current.indexOf(BEGIN);
  const b = current.indexOf(END);
  const next = a >= 0 && b > a ? current.slice(0, a) + section + current.slice(b + END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  return file;
}
