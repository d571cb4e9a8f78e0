/**
 * The Amazon VPC CNI for the data plane: VpcCni (PodNetwork over SubnetAddresses), its
 * configuration from the cluster (cniConfigFromCluster, CniConfigWatcher), the max-pods
 * calculator and the sandbox-failure texts a kubelet reports.
 */
export { VpcCni, type VpcCniOptions, type NodePoolView } from './vpc-cni.js';
export { cniConfigFromCluster, DEFAULT_CNI_CONFIG, type CniConfig, type EniConfigSpec } from './config.js';
export { CniConfigWatcher, ENI_CONFIG_RESOURCE } from './config-watcher.js';
export { maxPodsFor, type MaxPodsOptions } from './max-pods.js';
export { ADD_CMD_NO_IP, pluginAddError } from './messages.js';
export type { NodeMeta } from './eni-config-select.js';
