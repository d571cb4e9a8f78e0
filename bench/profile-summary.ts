/**
 * Summarizes the server's V8 CPU profiles from `bench/run.ts --profile DIR --json results.json`,
 * phase by phase: where the server's CPU time went while loading, listing, fanning out watch
 * events, restarting.
 *
 *   node --import tsx bench/profile-summary.ts DIR [--results results.json] [--top 15] [--phase TEXT]
 *
 * For each phase window (CLOCK_MONOTONIC µs, the clock V8 stamps samples with) it prints how
 * busy the server was, the functions with the most self time, the files with the most self time,
 * and the project functions with the most inclusive time (self + callees).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Phase } from './lib/report.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { results: { type: 'string' }, top: { type: 'string', default: '15' }, phase: { type: 'string' } },
});
const TOP = Number(args.top);

function load(path: string): CpuProfile[] {
  const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f)) : [path];
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
}

/** A short, stable label for a function: name and file:line, with the repo prefix dropped. */
function label(cf: CallFrame): string {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  // Line numbers of tsx-compiled project files are not the source's; show them for Node's own code only.
  return cf.url.startsWith('node:') ? `${name} ${cf.url}:${cf.lineNumber + 1}` : `${name} ${shortUrl(cf.url)}`;
}

function shortUrl(url: string): string {
  const i = url.indexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const n = url.indexOf('node_modules/');
  if (n >= 0) return url.slice(n);
  return url.replace(/^file:\/\//, '');
}

function fileOf(cf: CallFrame): string {
  if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  return shortUrl(cf.url);
}

function summarizeWindow(p: CpuProfile, from: number, to: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const node = byId.get(p.samples[i]!)!;
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const l = label(node.callFrame);
    self.set(l, (self.get(l) ?? 0) + dt);
    const f = fileOf(node.callFrame);
    files.set(f, (files.get(f) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      if (!cf.url.includes('/src/')) continue;
      const name = label(cf);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const pct = (v: number) => `${((v / Math.max(busy, 1)) * 100).toFixed(1).padStart(5)}%`;
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([k, v]) => `    ${pct(v)}  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return [
    `  window ${((to - from) / 1e6).toFixed(2)} s; server on CPU ${(busy / 1000).toFixed(0)} ms (${((busy / Math.max(to - from, 1)) * 100).toFixed(0)}% of one core; percentages below are of that)`,
    '  self time by function:',
    top(self),
    '  self time by file:',
    top(files),
    '  inclusive time, project functions:',
    top(inclusive),
  ].join('\n');
}

const profiles = load(positionals[0] ?? '.');
let phases: Phase[] = [];
if (args.results) phases = (JSON.parse(readFileSync(args.results, 'utf8')) as { phases: Phase[] }).phases;
if (args.phase) phases = phases.filter((ph) => ph.name.includes(args.phase!));
for (const p of profiles.sort((a, b) => a.startTime - b.startTime)) {
  const mine = phases.filter((ph) => ph.startUs < p.endTime && ph.endUs > p.startTime);
  if (!mine.length) {
    process.stdout.write(`== whole profile (${((p.endTime - p.startTime) / 1e6).toFixed(1)} s)\n${summarizeWindow(p, p.startTime, p.endTime)}\n\n`);
    continue;
  }
  for (const ph of mine) process.stdout.write(`== ${ph.name}\n${summarizeWindow(p, Math.max(ph.startUs, p.startTime), Math.min(ph.endUs, p.endTime))}\n\n`);
}
