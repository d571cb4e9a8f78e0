/**
 * The EKS settings a running control plane enforces — `encryptionConfig`,
 * `resourcesVpcConfig` endpoint access and `logging` — followed live from the cluster's stored
 * record: CreateCluster's values before the API server starts, then every change an Update
 * applies (AssociateEncryptionConfig, EndpointAccessUpdate, LoggingUpdate) as it lands in the store.
 */
import { eksTables, type ClusterRecord } from '../aws/services/eks/state.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';

export class ClusterSettings {
  private rec: ClusterRecord | undefined;
  private readonly abort = new AbortController();
  private readonly key: string;
  private readonly table;

  constructor(
    private readonly store: Store,
    private readonly cluster: { account: string; region: string; name: string },
    private readonly log: Logger,
  ) {
    this.table = eksTables(store, cluster).clusters;
    this.key = this.table.prefix + cluster.name;
  }

  /** The cluster's record as last seen (undefined when the cluster has no EKS record). */
  get current(): ClusterRecord | undefined {
    return this.rec;
  }

  /** Loads the record, then calls `onChange` with every later version (not for the first). */
  async start(onChange: (rec: ClusterRecord, prev: ClusterRecord | undefined) => void): Promise<void> {
    const rev = await this.store.currentRevision();
    this.rec = (await this.table.get(this.cluster.name))?.value;
    const dec = new TextDecoder();
    this.store.watch(this.key, {
      startRevision: rev + 1,
      signal: this.abort.signal,
      onEvents: (events) => {
        for (const e of events) {
          if (e.kv.key !== this.key || e.type !== 'put') continue;
          const prev = this.rec;
          this.rec = JSON.parse(dec.decode(e.kv.value)) as ClusterRecord;
          try {
            onChange(this.rec, prev);
          } catch (err) {
            this.log.error({ err }, 'applying changed cluster settings failed');
          }
        }
      },
      onError: (err) => this.log.warn({ err }, 'stopped following the cluster record'),
    });
  }

  stop(): void {
    this.abort.abort();
  }
}
