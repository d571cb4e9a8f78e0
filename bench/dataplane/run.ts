/**
 * Issue 6's data-plane figure: the time for N nodes and N × 30 pods to be all Running, and the
 * process's memory for them.
 *
 *   node --expose-gc --import tsx bench/dataplane/run.ts [--nodes 200,1000] [--pods-per-node 30] [--deployments 100] [--timeout-s 220] [--no-security] [--no-doc]
 *
 * Each size runs in a child process of its own (bench/dataplane/size.ts: API server, controllers,
 * scheduler, VPC CNI and kubelet fleet in one process, real clock), one after another, each with
 * its own time limit; a size that does not finish in time is reported with how far it got. The
 * child gets --expose-gc when this process has it. Results go to stdout and, unless --no-doc,
 * into docs/benchmarks.md between the `bench:dataplane` markers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { renderSection, updateDoc, type DataPlaneBenchResults, type SizeResult } from './report.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '200,1000' },
    'pods-per-node': { type: 'string', default: '30' },
    deployments: { type: 'string', default: '100' },
    'timeout-s': { type: 'string', default: '220' },
    'no-security': { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
  },
});
const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';

/** Runs one size in a child process; its progress is echoed, its RESULT line parsed. */
function runSize(nodes: number): Promise<SizeResult> {
  const childArgs = ['--nodes', String(nodes), '--pods-per-node', args['pods-per-node'], '--deployments', args.deployments, '--timeout-s', args['timeout-s'], ...(args['no-security'] ? ['--no-security'] : [])];
  const child = spawn(process.execPath, [...(gc ? ['--expose-gc'] : []), '--import', 'tsx', new URL('./size.ts', import.meta.url).pathname, ...childArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let result: SizeResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as SizeResult;
    else process.stdout.write(`${nodes} nodes ${line}\n`);
  });
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (result ? resolve(result) : reject(new Error(`size ${nodes}: child exited ${code} without a result`)))),
  );
}

const sizes: SizeResult[] = [];
for (const n of args.nodes.split(',').map(Number)) sizes.push(await runSize(n));
const results: DataPlaneBenchResults = {
  date: new Date().toISOString(),
  command: `node ${gc ? '--expose-gc ' : ''}--import tsx bench/dataplane/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  sizes,
  notes: [],
};
if (!args['no-doc']) process.stdout.write(`written to ${updateDoc(renderSection(results))}\n`);
