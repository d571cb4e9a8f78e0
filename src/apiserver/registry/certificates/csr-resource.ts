/**
 * The certificates.k8s.io/v1 `certificatesigningrequests` table entry and printCertificateSigningRequest's
 * columns (AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION, Age first as upstream).
 */
import { humanDuration } from '../../endpoints/table.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { csrStrategy, type CertificateSigningRequest } from './certificatesigningrequests.js';

/** extractCSRStatus: Denied, else Approved, else Pending; then `,Failed` and `,Issued`. */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c?.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (csr.status?.certificate) s += ',Issued';
  return s;
}

const c = (o: KObject) => o as CertificateSigningRequest;

/** The `certificatesigningrequests` resource (+status, +approval). */
export const certificatesigningrequests: ResourceDef = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  nameRule: 'path-segment',
  subresources: { status: true },
  selectableFields: { 'spec.signerName': (o) => c(o).spec?.signerName ?? '' },
  printerColumns: [
    ageColumn,
    column('SignerName', (o) => c(o).spec?.signerName || '<none>', { description: 'signerName indicates the requested signer, and is a qualified name.' }),
    column('Requestor', (o) => c(o).spec?.username ?? '', { description: 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.' }),
    column('RequestedDuration', (o) => (c(o).spec?.expirationSeconds != null ? humanDuration(c(o).spec!.expirationSeconds! * 1000) : '<none>'), { description: 'expirationSeconds is the requested duration of validity of the issued certificate.' }),
    column('Condition', (o) => csrCondition(c(o)), { description: 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".' }),
  ],
  strategy: csrStrategy as ResourceStrategy,
};
