/**
 * certificates.k8s.io/v1 certificatesigningrequests, as pkg/registry/certificates/certificates and
 * pkg/apis/certificates/validation: on create the server records who asked (spec.username, uid,
 * groups, extra) and drops any status; the spec never changes afterwards; the request must be a
 * PEM `CERTIFICATE REQUEST` with a valid self-signature, usages known and unique, the signer name
 * `domain/path` (never the legacy one), expirationSeconds at least 600. Approved/Denied are set
 * only through the `approval` subresource (which copies status.conditions); /status may add the
 * issued certificate once; no update removes an Approved, Denied or Failed condition.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { base64DecodedLength, decodeBase64 } from '../core/base64.js';
import { decodeError, duplicate, forbidden, invalid, notSupported, required, tooLong } from '../core/field-errors.js';
import type { KObject, ReviewContext, ResourceStrategy, StrategyContext } from '../resource.js';
import { checkCSR, checkIssuedCertificate } from './csr-parse.js';

/** A CSR condition (Approved, Denied, Failed, or another type). */
export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** A CertificateSigningRequest as stored (spec.request and status.certificate are base64 of PEM text). */
export interface CertificateSigningRequest extends KObject {
  spec?: {
    request?: string;
    signerName?: string;
    expirationSeconds?: number;
    usages?: string[];
    username?: string;
    uid?: string;
    groups?: string[];
    extra?: Record<string, string[]>;
  };
  status?: { conditions?: Condition[]; certificate?: string };
}

/** What a create may know about its caller once the server passes it (StrategyContext has no user yet). */
export type CreateContext = StrategyContext & { user?: ReviewContext['user'] };

const USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature', 'email protection',
  'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'signing', 'timestamping',
];
const TRUE_ONLY = new Set(['Approved', 'Denied', 'Failed']);
const LEGACY_SIGNER = 'kubernetes.io/legacy-unknown';
/** Marks an object being written through /status (set by prepareForStatusUpdate, read by validateUpdate). */
const STATUS_WRITE = Symbol('csr-status-write');

const text = (b64: string | undefined) => (b64 ? decodeBase64(b64).toString('latin1') : '');

/** ValidateSignerName: `example.com/signer-name`. */
export function validateSignerName(name: string | undefined, path: string): FieldError[] {
  if (!name) return [required(path)];
  const parts = name.split('/');
  if (parts.length !== 2) return [invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = parts as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(tooLong(path, 253));
  const labels = domain.split('.');
  for (const l of labels) {
    const m = isDNS1123Label(l);
    if (m.length) {
      errs.push(...m.map((msg) => invalid(path, domain, `validating label ${JSON.stringify(l)}: ${msg}`)));
      break;
    }
  }
  if (labels.length < 2) errs.push(invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  if (rest.length > 63) errs.push(tooLong(path, 63));
  for (const m of isDNS1123Subdomain(rest)) errs.push(invalid(path, rest, `validating component ${JSON.stringify(rest)}: ${m}`));
  return errs;
}

function validateConditions(conditions: Condition[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    const type = c?.type ?? '';
    if (!type) errs.push(required(`${at}.type`));
    const allowed = TRUE_ONLY.has(type) ? ['True'] : ['False', 'True', 'Unknown'];
    if (!c?.status) errs.push(required(`${at}.status`));
    else if (!allowed.includes(c.status)) errs.push(notSupported(`${at}.status`, c.status, allowed));
    if (type === 'Approved') (approved = true), denied && errs.push(invalid(`${at}.type`, type, 'Approved and Denied conditions are mutually exclusive'));
    if (type === 'Denied') (denied = true), approved && errs.push(invalid(`${at}.type`, type, 'Approved and Denied conditions are mutually exclusive'));
    if (seen.has(type)) errs.push(duplicate(`${at}.type`, type));
    seen.add(type);
  });
  return errs;
}

/** SetDefaults_CertificateSigningRequestCondition: a condition without status is True. */
function defaultConditions(csr: CertificateSigningRequest): void {
  for (const c of csr.status?.conditions ?? []) if (c) c.status ||= 'True';
}

const ofType = (csr: CertificateSigningRequest, t: string) => (csr.status?.conditions ?? []).filter((c) => c?.type === t);

/** The CertificateSigningRequest strategy (main resource, /status and /approval). */
export const csrStrategy = {
  prepareForCreate(csr, ctx: CreateContext) {
    const spec = (csr.spec ??= {});
    delete spec.username, delete spec.uid, delete spec.groups, delete spec.extra;
    const user = ctx.user;
    if (user) {
      spec.username = user.name;
      if (user.uid) spec.uid = user.uid;
      spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) spec.extra = structuredClone(user.extra);
    }
    delete csr.status;
  },
  prepareForUpdate(csr, old) {
    csr.spec = structuredClone(old.spec);
  },
  prepareForStatusUpdate(csr, old) {
    csr.spec = structuredClone(old.spec);
    defaultConditions(csr);
    (csr as Record<symbol, unknown>)[STATUS_WRITE] = true;
  },
  subresourceUpdates: {
    approval(target, sent) {
      const conditions = sent.status?.conditions;
      target.status = { ...target.status, conditions: structuredClone(conditions ?? []) };
      if (!conditions) delete target.status.conditions;
      defaultConditions(target);
    },
  },
  defaults(csr) {
    for (const v of [csr.spec?.request, csr.status?.certificate]) {
      const n = v == null ? 0 : base64DecodedLength(v);
      if (typeof n === 'string') throw decodeError('CertificateSigningRequest', 'v1', n);
    }
    defaultConditions(csr);
  },
  validate(csr) {
    const spec = csr.spec ?? {};
    const errs: FieldError[] = [];
    const bad = checkCSR(text(spec.request));
    if (bad) errs.push(invalid('spec.request', spec.request ?? '', bad));
    const usages = spec.usages ?? [];
    if (!usages.length) errs.push(required('spec.usages'));
    usages.forEach((u, i) => {
      if (!USAGES.includes(u)) errs.push(notSupported(`spec.usages[${i}]`, u, USAGES));
      if (usages.indexOf(u) !== i) errs.push(duplicate(`spec.usages[${i}]`, u));
    });
    if (spec.signerName === LEGACY_SIGNER) errs.push(invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
    else errs.push(...validateSignerName(spec.signerName, 'spec.signerName'));
    if (spec.expirationSeconds != null && spec.expirationSeconds < 600) errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
    errs.push(...validateConditions(csr.status?.conditions ?? []));
    return errs;
  },
  validateUpdate(csr, old) {
    const errs: FieldError[] = [];
    const statusWrite = (csr as Record<symbol, unknown>)[STATUS_WRITE] === true;
    for (const t of ['Approved', 'Denied', 'Failed']) if (ofType(csr, t).length < ofType(old, t).length) errs.push(forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
    if (statusWrite) {
      for (const t of ['Approved', 'Denied']) {
        const [n, o] = [ofType(csr, t), ofType(old, t)];
        if (n.length > o.length) errs.push(forbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
        else if (n.length === o.length && !deepEqual(n, o)) errs.push(forbidden('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
      }
    }
    const cert = csr.status?.certificate ?? '';
    if (cert !== (old.status?.certificate ?? '')) {
      if (!statusWrite) errs.push(forbidden('status.certificate', 'updates may not set certificate content'));
      else if (old.status?.certificate) errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
      const why = cert ? checkIssuedCertificate(text(cert)) : undefined;
      if (why) errs.push(invalid('status.certificate', '<certificate data>', why));
    }
    return errs;
  },
} satisfies ResourceStrategy<CertificateSigningRequest>;
