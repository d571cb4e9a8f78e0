/**
 * The contracts of authorization and admission, as kube-apiserver's: an authorizer decides on
 * request attributes (user, verb, resource or path); admission plugins see each write — mutating
 * ones may change the object, validating ones may only refuse — by throwing a `StatusError`.
 */
import type { UserInfo } from '../endpoints/types.js';
import type { KObject, ResourceDef } from '../registry/resource.js';

/** What an authorizer decides on (authorizer.Attributes upstream). */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** get list watch create update patch delete deletecollection, or for paths the lower-case HTTP method; `impersonate` for impersonation. */
  verb: string;
  isResourceRequest: boolean;
  /** The request path, for non-resource requests. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The request's field selector (the node authorizer lets kubelets list their own pods). */
  fieldSelector?: string;
}

export interface Decision {
  allowed: boolean;
  /** An explicit denial: later authorizers are not asked. */
  denied?: boolean;
  /** Why (shown in SubjectAccessReview status and the Forbidden message). */
  reason?: string;
}

export type Authorizer = (attrs: AuthorizationAttributes) => Promise<Decision>;

/** Allows everything: the standalone API server's admin-only default. */
export const allowAll: Authorizer = async () => ({ allowed: true });

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One write as admission sees it (admission.Attributes upstream). */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  user: UserInfo;
  def: ResourceDef;
  namespace?: string;
  name: string;
  subresource?: string;
  /** The object being written (mutating plugins may change it in place); absent for DELETE. */
  object?: KObject;
  /** The stored object, for UPDATE and DELETE. */
  oldObject?: KObject;
  dryRun: boolean;
}

/** The admission chain: mutating plugins first, then (after validation) validating ones. */
export interface Admission {
  mutate(a: AdmissionAttributes): Promise<void>;
  validate(a: AdmissionAttributes): Promise<void>;
}

export const noAdmission: Admission = { mutate: async () => {}, validate: async () => {} };
