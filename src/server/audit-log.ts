/**
 * A cluster's audit log file: audit.k8s.io/v1 Events as JSON lines in
 * `<dataDir>/audit/<account>/<region>/<cluster>.log`, written while the cluster's `logging`
 * enables the `audit` log type (where EKS would send them to CloudWatch Logs, log group
 * `/aws/eks/<cluster>/cluster`). The policy is `<dataDir>/audit/policy.yaml` when that file
 * exists (an audit.k8s.io/v1 Policy, read when the control plane starts), else
 * {@link DEFAULT_AUDIT_POLICY}. The file is appended to across restarts and kept when the cluster
 * is deleted, as CloudWatch keeps a deleted cluster's logs.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditEvent, AuditSink } from '../apiserver/audit/auditor.js';
import { DEFAULT_AUDIT_POLICY, parseAuditPolicy, type AuditPolicy } from '../apiserver/audit/policy.js';
import type { Logger } from '../lib/logger.js';

/** Where a cluster's audit log is written. */
export function auditLogPath(dataDir: string, cluster: { account: string; region: string; name: string }): string {
  return join(dataDir, 'audit', cluster.account, cluster.region, `${cluster.name}.log`);
}

/** The server's audit policy: `<dataDir>/audit/policy.yaml`, or the default (also when the file is invalid, with an error logged). */
export function loadAuditPolicy(dataDir: string, log: Logger): AuditPolicy {
  const file = join(dataDir, 'audit', 'policy.yaml');
  if (!existsSync(file)) return DEFAULT_AUDIT_POLICY;
  try {
    return parseAuditPolicy(readFileSync(file, 'utf8'));
  } catch (err) {
    log.error({ err, file }, 'invalid audit policy; using the default policy');
    return DEFAULT_AUDIT_POLICY;
  }
}

export class ClusterAuditLog {
  private out: WriteStream | undefined;
  private enabled = false;
  private readonly write: AuditSink = (e: AuditEvent) => this.out?.write(`${JSON.stringify(e)}\n`);

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  /** The sink while the audit log type is enabled. */
  sink(): AuditSink | undefined {
    return this.enabled ? this.write : undefined;
  }

  /** Follows the cluster's logging configuration. */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on && !this.out) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.out = createWriteStream(this.path, { flags: 'a' });
      this.out.on('error', (err) => this.log.error({ err, file: this.path }, 'audit log write failed'));
    }
    this.log.info({ file: this.path, enabled: on }, 'audit log');
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    this.enabled = false;
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()));
  }
}
