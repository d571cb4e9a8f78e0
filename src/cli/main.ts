/**
 * The `eksplane` command. Flags and store URL names are a public contract: add, never rename.
 */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

const program = new Command('eksplane').description('A self-contained, EKS-compatible managed Kubernetes service');

program
  .command('apiserver')
  .description('run one standalone Kubernetes API server and write an admin kubeconfig')
  .option('--port <port>', 'HTTPS port (0: any free port)', port, 6443)
  .option('--host <address>', 'address to bind', '127.0.0.1')
  .option('--data-dir <dir>', 'where state, certificates and the SQLite store live', '.eksplane/apiserver')
  .option('--kubeconfig <file>', 'where to write the admin kubeconfig', '')
  .option('--store <url>', 'store URL: sqlite:PATH[?synchronous=full] (default, under the data dir), etcd://host:port,..., memory:')
  .option('--compaction-interval-seconds <n>', 'how often to compact store history', Number, 300)
  .action(async (o: { port: number; host: string; dataDir: string; kubeconfig: string; store?: string; compactionIntervalSeconds: number }) => {
    const dataDir = resolve(o.dataDir);
    const kubeconfigPath = resolve(o.kubeconfig || `${dataDir}/kubeconfig`);
    // Each command loads only its own modules: `apiserver` starts without the AWS services' models.
    const { startStandalone } = await import('../server/standalone.js');
    const s = await startStandalone({ port: o.port, host: o.host, dataDir, kubeconfigPath, storeUrl: o.store, compactionIntervalMs: o.compactionIntervalSeconds * 1000 });
    process.stdout.write(`eksplane apiserver listening on ${s.url}\nkubeconfig: ${kubeconfigPath}\n`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await s.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

program
  .command('server')
  .description('run the AWS endpoint (EKS and the EC2, IAM, KMS, STS, Auto Scaling slices it needs)')
  .option('--port <port>', 'HTTP port', port, 4566)
  .option('--host <address>', 'address to bind', '127.0.0.1')
  .option('--data-dir <dir>', 'where state lives', '.eksplane')
  .option('--store <url>', 'store URL: sqlite:PATH[?synchronous=full] (default, under the data dir), etcd://host:port,..., memory:')
  .option('--permissive', 'accept any credentials as the default account root and allow every action (LocalStack-like)')
  .option('--realistic-timing', 'EKS-like durations (clusters take minutes) instead of about a second')
  .action(async (o: { port: number; host: string; dataDir: string; store?: string; permissive?: boolean; realisticTiming?: boolean }) => {
    const { startAwsServer } = await import('../server/aws-server.js');
    const s = await startAwsServer({ port: o.port, host: o.host, dataDir: resolve(o.dataDir), storeUrl: o.store, permissive: o.permissive, realisticTiming: o.realisticTiming });
    process.stdout.write(`eksplane server listening on ${s.url}\n`);
    const stop = async () => {
      await s.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

await program.parseAsync(process.argv);
