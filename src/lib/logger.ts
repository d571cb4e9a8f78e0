/**
 * Logging through pino, always injected (no global logger). Field names are stable across the
 * project: cluster, account, region, op, verb, resource, ns, name, controller, node, pod.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A logger writing JSON lines to stderr at `level` (env EKSPLANE_LOG_LEVEL overrides). */
export function createLogger(level = process.env.EKSPLANE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
