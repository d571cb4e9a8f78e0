/**
 * The `bench:dataplane` section of docs/benchmarks.md: what bench/dataplane/run.ts measured, as
 * markdown, written between its own markers only (other sections belong to other benchmarks).
 */

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

/** One size's run (one child process). */
export interface SizeResult {
  nodes: number;
  podsPerNode: number;
  deployments: number;
  replicasPerDeployment: number;
  instanceType: string;
  maxPods: number;
  security: boolean;
  timings: Record<string, number>;
  load: { start: number[]; end: number[] };
  /** The process's CPU time from the machines added to the end of the run, and that wall time: on a shared machine CPU seconds compare better than wall time. */
  cpu: { userS: number; systemS: number; wallS: number };
  phases: Phase[];
  /** All pods Running+Ready ÷ time from the first Deployment created to the last pod Ready. */
  podsPerSecond: number | undefined;
  complete: boolean;
  timeoutMs: number;
  memory: { peakRssMiB: number; rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number; gc: boolean };
}

export interface DataPlaneBenchResults {
  date: string;
  command: string;
  commit: string;
  machine: { cores: number; cpu: string; node: string };
  sizes: SizeResult[];
  notes: string[];
}

const n = (x: number) => Math.round(x).toLocaleString('en');
const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function renderSection(r: DataPlaneBenchResults): string {
  const L: string[] = [BEGIN, '## Data plane: nodes Ready and pods Running', ''];
  const first = r.sizes[0];
  L.push(`- Command: \`${r.command}\``);
  L.push(`- Date: ${r.date.slice(0, 19).replace('T', ' ')} UTC, commit ${r.commit}; ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}`);
  L.push(`- Load average (1/5/15 min) at each size's start and end: ${r.sizes.map((z) => `${n(z.nodes)} nodes ${z.load.start.map((x) => x.toFixed(2)).join('/')} → ${z.load.end.map((x) => x.toFixed(2)).join('/')}`).join('; ')} — the machine is shared with other work; numbers taken under load are pessimistic.`);
  L.push(
    `- Setup: each size in its own process, real clock. In-process API server on the memory store ${first?.security ? "with the EKS cluster's authorization (node authorizer, RBAC) and admission chain (NodeRestriction …), as src/server/control-planes.ts builds it" : '**without** authorization or admission'}; every controller of src/controllers/manager.ts (startControllers) and the scheduler on one SharedInformers; the VPC CNI (src/dataplane/cni) over in-memory subnets (a /16 in each of 3 AZs, default aws-node settings: secondary IPs, WARM_ENI_TARGET=1); a KubeletFleet whose kubelets each write as \`system:node:<name>\` through their own in-process transport. No HTTPS, no EC2/IAM layer: machines are handed to the fleet directly.`,
  );
  if (first) {
    L.push(`- Workload: N ${first.instanceType} machines (max pods ${first.maxPods}) added at once; when every Node is Ready, ${first.deployments} Deployments totalling N × ${first.podsPerNode} replicas created one after another (pause image, 100m CPU / 128 MiB requests; no spread constraints of their own, so the scheduler's default PodTopologySpread constraints apply).`);
    L.push(`- Kubelet timings (quick, not the defaults): ${Object.entries(first.timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}; the rest default (lease renewal 10 s).`);
    L.push(`- Phase times: Nodes Ready from the machines added; pods bound from the first Deployment created; Running+Ready from the last binding. Pods/s: all pods ÷ (first Deployment created → last pod Ready). Memory after the run, ${first.memory.gc ? 'after a full GC (--expose-gc)' : 'without a forced GC (run with --expose-gc for one)'}; peak RSS is the process's maxRSS.`, '');
  }
  L.push('| Nodes | Pods | Deployments × replicas | Nodes Ready | Pods bound | Pods Running+Ready | Total | Pods/s | CPU (user+sys) / wall | Peak RSS | RSS / heap used after |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const z of r.sizes) {
    const cell = (p: Phase | undefined) => (p === undefined ? '—' : p.durationMs !== undefined ? s(p.durationMs) : `not reached: ${n(p.reached)} / ${n(p.target)} at ${s(z.timeoutMs)}`);
    const [ready, bound, running] = [z.phases[0], z.phases[1], z.phases[2]];
    L.push(`| ${n(z.nodes)} | ${n(z.nodes * z.podsPerNode)} | ${z.deployments} × ${n(z.replicasPerDeployment)} | ${cell(ready)} | ${cell(bound)} | ${cell(running)} | ${z.complete ? s(running?.atMs) : `**not complete** in ${s(z.timeoutMs)}`} | ${z.podsPerSecond === undefined ? '—' : n(z.podsPerSecond)} | ${n(z.cpu.userS + z.cpu.systemS)} s / ${n(z.cpu.wallS)} s | ${n(z.memory.peakRssMiB)} MiB | ${n(z.memory.rssMiB)} / ${n(z.memory.heapUsedMiB)} MiB |`);
  }
  L.push('');
  for (const note of r.notes) L.push(`- ${note}`);
  L.push('', END);
  return L.join('\n');
}

