/**
 * Periodic store compaction, as kube-apiserver does every 5 minutes: at each tick compact to the
 * revision seen one tick earlier, so history (and continue tokens) live at least one interval.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';

export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;

export function startCompactor(store: Store, clock: Clock, log: Logger, intervalMs = DEFAULT_COMPACTION_INTERVAL_MS): () => void {
  let previous = 0;
  let cancel = () => {};
  let stopped = false;
  const tick = async () => {
    try {
      const current = await store.currentRevision();
      if (previous > 0 && previous > (await store.compactedRevision())) {
        await store.compact(previous);
        log.debug({ revision: previous }, 'store compacted');
      }
      previous = current;
    } catch (err) {
      log.warn({ err }, 'store compaction failed; will retry');
    }
    if (!stopped) cancel = clock.setTimer(intervalMs, () => void tick());
  };
  cancel = clock.setTimer(intervalMs, () => void tick());
  return () => {
    stopped = true;
    cancel();
  };
}
