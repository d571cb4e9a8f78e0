/**
 * Keeps a cluster's CniConfig current, as ipamd on every node reads its env and the ENIConfigs:
 * watches DaemonSets (the shared informer, read for kube-system/aws-node only) and
 * eniconfigs.crd.k8s.amazonaws.com/v1alpha1. The ENIConfig CRD may be absent (deleted, or not yet
 * applied): that informer then keeps retrying with backoff and the config has no ENIConfigs.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Logger } from '../../lib/logger.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { cniConfigFromCluster, type CniConfig } from './config.js';

export const AWS_NODE_NAMESPACE = 'kube-system';
export const AWS_NODE_NAME = 'aws-node';
export const ENI_CONFIG_RESOURCE = { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', resource: 'eniconfigs' } as const;
const DAEMONSETS = { group: 'apps', version: 'v1', resource: 'daemonsets' } as const;

/** The current CniConfig of one cluster, recomputed when aws-node or an ENIConfig changes. */
export class CniConfigWatcher {
  private readonly daemonSets: Informer<DaemonSet & KubeObject>;
  private readonly eniConfigs: Informer;
  private cached: CniConfig | undefined;
  private readonly log: Logger;

  constructor(opts: { informers: SharedInformers; log: Logger }) {
    this.log = opts.log.child({ controller: 'cni-config' });
    this.daemonSets = opts.informers.informer<DaemonSet & KubeObject>({ resource: DAEMONSETS });
    this.eniConfigs = opts.informers.informer({ resource: ENI_CONFIG_RESOURCE });
    const isAwsNode = (o: KubeObject) => o.metadata?.namespace === AWS_NODE_NAMESPACE && o.metadata?.name === AWS_NODE_NAME;
    const dirty = () => {
      this.cached = undefined;
    };
    this.daemonSets.addEventHandler({
      onAdd: (o) => isAwsNode(o) && dirty(),
      onUpdate: (_old, o) => isAwsNode(o) && dirty(),
      onDelete: (o) => isAwsNode(o) && dirty(),
    });
    this.eniConfigs.addEventHandler({ onAdd: dirty, onUpdate: dirty, onDelete: dirty });
  }

  start(): void {
    this.daemonSets.start();
    this.eniConfigs.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.daemonSets.stop(), this.eniConfigs.stop()]);
  }

  /** Resolves once aws-node's DaemonSet informer has listed (ENIConfigs may come later, or never). */
  waitForSync(): Promise<boolean> {
    return this.daemonSets.waitForSync();
  }

  /** The configuration now (pass `() => watcher.config()` to VpcCni). */
  config(): CniConfig {
    if (!this.cached) {
      this.cached = cniConfigFromCluster(this.daemonSets.get(AWS_NODE_NAMESPACE, AWS_NODE_NAME), this.eniConfigs.list());
      this.log.debug({ prefixDelegation: this.cached.prefixDelegation, customNetworking: this.cached.customNetworking, eniConfigs: Object.keys(this.cached.eniConfigs).length }, 'CNI configuration');
    }
    return this.cached;
  }
}
