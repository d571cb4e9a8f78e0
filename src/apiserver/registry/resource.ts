/**
 * How a resource is declared: data (names, scope, subresources, selectable fields, printer
 * columns) plus a small strategy with the behaviour that differs between resources (defaults,
 * validation, status handling). One generic store does everything else
 * (shared/ARCHITECTURE.md rule 2, as kube-apiserver's registry/generic + rest strategies).
 */
import type { FieldError } from '../../apimachinery/errors.js';
import type { GenericStore } from './generic-store.js';

export type { KObject, ObjectMeta, OwnerReference } from '../../apimachinery/object.js';
import type { KObject } from '../../apimachinery/object.js';

/** What a strategy hook may need besides the object. */
export interface StrategyContext {
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
  /** The caller, when a client (not the server itself) writes; CSRs record their requestor. */
  user?: ReviewContext['user'];
}

/**
 * The per-resource behaviour. Every hook is optional; the generic store applies them in
 * kube-apiserver's order: prepareForCreate/Update → defaults → validate → (write).
 */
export interface ResourceStrategy<T extends KObject = KObject> {
  /** Sets server-owned fields on create (e.g. initial status). Runs before defaults. */
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  /** Carries over what a main-resource update may not change (the generic store already keeps status when the resource has a status subresource). */
  prepareForUpdate?(obj: T, old: T, ctx: StrategyContext): void;
  /** API defaulting, as the real server's SetDefaults_* functions. Runs on create and update. */
  defaults?(obj: T): void;
  /** Validation on create; field paths as upstream (`spec.containers[0].image`). */
  validate?(obj: T): FieldError[];
  /** Validation on update, in addition to validate(obj). */
  validateUpdate?(obj: T, old: T): FieldError[];
  /**
   * What a status-subresource write may change besides `status` (default: nothing else): `obj` is
   * the stored object carrying the sent status, `sent` what the client wrote (upstream's status
   * strategies start from the sent object and reset what they protect).
   */
  prepareForStatusUpdate?(obj: T, old: T, sent: T): void;
  /**
   * Allocates what the server hands out on create (a Service's clusterIP and nodePorts) given
   * the resource's existing objects; returns field errors when nothing can be allocated.
   */
  allocate?(obj: T, peers: Iterable<T>): FieldError[];
  /**
   * Subresources answered by a computation on POST, changing nothing stored (serviceaccounts/token
   * → a TokenRequest, pods/eviction → a delete): given the stored object and the request body.
   */
  subresourceActions?: Record<string, (ctx: SubresourceActionContext<T>) => Promise<KObject>>;
  /** Writable subresources besides status: copies what `sent` may change into `target` (a copy of the stored object). */
  subresourceUpdates?: Record<string, (target: T, sent: T) => void>;
  /** Status given on create is kept (nodes); otherwise a resource with a status subresource starts with none. */
  keepStatusOnCreate?: boolean;
  /**
   * Graceful deletion (pods): the grace period in seconds to apply to a DELETE that asked for
   * `requested` (undefined: not given). 0 deletes at once; more sets deletionTimestamp in the
   * future and leaves the final delete to the kubelet.
   */
  gracePeriod?(obj: T, requested: number | undefined): number;
  /** Marks an object for deletion beyond metadata (e.g. a namespace turns Terminating). */
  prepareForDelete?(obj: T, ctx: StrategyContext): void;
  /** True while something besides metadata.finalizers holds a deleted object (e.g. namespace spec.finalizers). */
  deletionBlocked?(obj: T): boolean;
}

/**
 * What a POST subresource action gets: the stored object, the request body, the caller, the
 * request's dryRun, and the server's other generic stores (pods/eviction deletes the pod and writes
 * its PodDisruptionBudget). An answer of kind Status carries its own HTTP code (as upstream's
 * handlers send a returned Status with its code), anything else is 201.
 */
export interface SubresourceActionContext<T extends KObject = KObject> {
  obj: T;
  body: KObject;
  user: ReviewContext['user'];
  now: number;
  dryRun: boolean;
  storeFor(group: string, plural: string): GenericStore | undefined;
}

/** Who is asking, for `review` resources. */
export interface ReviewContext {
  user: { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
  namespace?: string;
  now: number;
}

/** A column of the Table view (kubectl get), as upstream's printers. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0: default view; 1: only with -o wide. */
  priority: number;
  cell(obj: KObject, now: number): unknown;
}

/** The `scale` subresource: where replicas live in the object. */
export interface ScaleSubresource {
  specReplicasPath: string[];
  statusReplicasPath: string[];
  /** Path to a LabelSelector object (rendered to its string form in Scale.status.selector). */
  labelSelectorPath?: string[];
}

export interface ResourceDef<T extends KObject = KObject> {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the URL segment. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Verbs served (default: all of create delete deletecollection get list patch update watch). */
  verbs?: string[];
  subresources?: {
    status?: boolean;
    scale?: ScaleSubresource;
  };
  /** metadata.generation starts at 1 and grows with every change outside metadata and status. */
  generation?: boolean;
  /** Field selectors besides metadata.name and metadata.namespace: field path → value getter. */
  selectableFields?: Record<string, (obj: T) => string | undefined>;
  /** Name rule: DNS-1123 subdomain (default), DNS-1123 label, or any path segment. */
  nameRule?: 'subdomain' | 'label' | 'path-segment';
  /** Table columns after Name (Age is added at the end unless a column names a time). */
  printerColumns?: PrinterColumn[];
  /** Priority of the Name column (events show it only with -o wide, and last, as upstream). */
  nameColumnPriority?: number;
  /** Upstream's printer has no Age column and no other time column (podtemplates). */
  noAgeColumn?: boolean;
  /**
   * A create-only resource that computes an answer and stores nothing (TokenReview,
   * SubjectAccessReview, SelfSubjectReview …): POST runs this with the caller and returns 201
   * with the result. Declare `verbs: ['create']` with it.
   */
  review?: (obj: T, ctx: ReviewContext) => T | Promise<T>;
  /** The kinds POST subresource actions answer with, for discovery (token → authentication.k8s.io/v1 TokenRequest). */
  subresourceKinds?: Record<string, { group: string; version: string; kind: string }>;
  /** OpenAPI v3 component schemas for a kind outside the built-in type table (custom resources), keyed by definition name. */
  openapiSchemas?: Record<string, unknown>;
  /** PUT of a missing object creates it (as upstream for e.g. leases and endpoints). */
  allowCreateOnUpdate?: boolean;
  /**
   * Objects are stored in another version of this resource (autoscaling/v1 HPAs as v2, a CRD's
   * non-storage versions): converted on the way in and out by the generic store, as upstream's
   * codec converts between the request version and the storage version.
   */
  storage?: StorageConversion;
  /** Every request to this version answers with this `Warning` (a deprecated CRD version, as upstream's crdHandler). */
  deprecationWarning?: string;
  strategy: ResourceStrategy<T>;
}

/**
 * How a served version reads and writes objects kept in the storage version. Stored objects may
 * be in any version the resource ever stored (a CRD's former storage versions): `fromStorage`
 * converts from whatever `apiVersion` each carries.
 */
export interface StorageConversion {
  /** The served form (this version) → the storage version's form. */
  toStorage(obj: KObject): KObject | Promise<KObject>;
  /** Stored objects → this version, in order, as one batch (one ConversionReview for a whole list). */
  fromStorage(objs: KObject[]): KObject[] | Promise<KObject[]>;
  /** A fast path on the stored JSON (conversion None only rewrites apiVersion); undefined: use fromStorage. */
  fromStorageJson?(json: string): string | undefined;
  /** True when fromStorage never waits (no webhook): watch events convert inline. */
  synchronous: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** "apps/v1" or "v1". */
export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
