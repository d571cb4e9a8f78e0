/**
 * The kubelet's honest log of each container: not application output (no process runs), but the
 * lifecycle lines the simulated runtime can vouch for — pull, start, probe, exit, restart, stop —
 * per container instance, so `kubectl logs --previous` shows the instance before the last
 * restart. Bounded per container (lines and bytes), as the kubelet rotates container logs.
 */

/** One line and when it was written (ms). */
interface LogLine {
  at: number;
  text: string;
}

/** The `PodLogOptions` the API server passes on (kubectl logs' flags). */
export interface LogOptions {
  container?: string;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
  limitBytes?: number;
  follow?: boolean;
}

const MAX_LINES = 200;
const MAX_BYTES = 32 * 1024;

class ContainerLog {
  current: LogLine[] = [];
  previous: LogLine[] | undefined;
  private bytes = 0;

  append(at: number, text: string): void {
    this.current.push({ at, text });
    this.bytes += text.length + 1;
    while (this.current.length > MAX_LINES || this.bytes > MAX_BYTES) this.bytes -= this.current.shift()!.text.length + 1;
  }

  rotate(): void {
    this.previous = this.current;
    this.current = [];
    this.bytes = 0;
  }
}

/** The log records of the containers of the pods one fleet runs, keyed by pod uid. */
export class ContainerLogs {
  private readonly pods = new Map<string, Map<string, ContainerLog>>();

  append(podUid: string, container: string, at: number, text: string): void {
    let pod = this.pods.get(podUid);
    if (!pod) this.pods.set(podUid, (pod = new Map()));
    let log = pod.get(container);
    if (!log) pod.set(container, (log = new ContainerLog()));
    log.append(at, text);
  }

  /** A new container instance begins: the current record becomes the previous one. */
  rotate(podUid: string, container: string): void {
    this.pods.get(podUid)?.get(container)?.rotate();
  }

  forget(podUid: string): void {
    this.pods.delete(podUid);
  }

  /** Whether the container has a previous instance's record. */
  hasPrevious(podUid: string, container: string): boolean {
    return this.pods.get(podUid)?.get(container)?.previous !== undefined;
  }

  /** The record as text, filtered as the kubelet's ReadLogs does (sinceSeconds, tailLines, timestamps, limitBytes). */
  read(podUid: string, container: string, opts: LogOptions, now: number): string {
    const log = this.pods.get(podUid)?.get(container);
    let lines = (opts.previous ? log?.previous : log?.current) ?? [];
    if (opts.sinceSeconds !== undefined) lines = lines.filter((l) => l.at >= now - opts.sinceSeconds! * 1000);
    if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
    let text = lines.map((l) => `${opts.timestamps ? `${new Date(l.at).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : ''}${l.text}\n`).join('');
    if (opts.limitBytes !== undefined && Buffer.byteLength(text) > opts.limitBytes) text = Buffer.from(text).subarray(0, opts.limitBytes).toString('utf8');
    return text;
  }
}
