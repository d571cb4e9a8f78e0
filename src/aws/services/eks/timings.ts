/**
 * How long EKS's long-running operations take, in milliseconds of the injected clock
 * (shared/ARCHITECTURE.md rule 5). The default is fast (a cluster is ACTIVE half a second after
 * CreateCluster, or as soon as its API server answers when that takes longer, so `kubectl get ns`
 * works within a second);
 * {@link realisticTimings} follows shared/research/eks-semantics.md §2 and §5.
 */

/** Durations of the EKS state machines, in ms of the injected clock. */
export interface Timings {
  /** CREATING → ACTIVE (at least; the control plane must also report ready). */
  clusterCreate: number;
  /** DELETING → gone. */
  clusterDelete: number;
  /** A VersionUpdate InProgress → Successful. */
  versionUpdate: number;
  /** Any other cluster update (endpoint access, logging, access config, encryption, …). */
  configUpdate: number;
  /** How often a cluster whose delay has passed asks the control plane whether it is ready. */
  readyPoll: number;
  /** Back-off after a state machine step threw (it is retried; nothing is lost). */
  retry: number;
  /** Node groups, Fargate profiles and add-ons: for the engineers who build them on this framework. */
  nodegroupCreate: number;
  /** How long a creating node group waits for its instances to join as Ready nodes before NodeCreationFailure. */
  nodegroupJoin: number;
  nodegroupDelete: number;
  nodegroupUpdate: number;
  fargateProfileCreate: number;
  fargateProfileDelete: number;
  addonCreate: number;
  addonDelete: number;
  addonUpdate: number;
}

/** The default: everything in about a second (a cluster in half of one), so tests and demos do not wait. */
export const fastTimings: Timings = {
  clusterCreate: 500,
  clusterDelete: 1000,
  versionUpdate: 1000,
  configUpdate: 1000,
  readyPoll: 250,
  retry: 1000,
  nodegroupCreate: 1000,
  nodegroupJoin: 60_000,
  nodegroupDelete: 1000,
  nodegroupUpdate: 1000,
  fargateProfileCreate: 1000,
  fargateProfileDelete: 1000,
  addonCreate: 1000,
  addonDelete: 1000,
  addonUpdate: 1000,
};

const MIN = 60_000;

/**
 * EKS-like durations (`--realistic-timing`): cluster create ~10 min (real 8–15), delete ~5 min,
 * version update ~25 min, config updates ~5 min; managed node groups ~4 min (real 3–5).
 * Fargate profile and add-on durations are typical observations (UNVERIFIED).
 */
export const realisticTimings: Timings = {
  clusterCreate: 10 * MIN,
  clusterDelete: 5 * MIN,
  versionUpdate: 25 * MIN,
  configUpdate: 5 * MIN,
  readyPoll: 5000,
  retry: 30_000,
  nodegroupCreate: 4 * MIN,
  nodegroupJoin: 20 * MIN,
  nodegroupDelete: 4 * MIN,
  nodegroupUpdate: 15 * MIN,
  fargateProfileCreate: 3 * MIN,
  fargateProfileDelete: 3 * MIN,
  addonCreate: MIN,
  addonDelete: MIN,
  addonUpdate: MIN,
};
