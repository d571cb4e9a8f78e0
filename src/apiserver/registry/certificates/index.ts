/** certificates.k8s.io/v1: certificate signing requests. */
import type { ResourceDef } from '../resource.js';
import { certificatesigningrequests } from './csr-resource.js';

/** The certificates.k8s.io/v1 resources. */
export const certificatesResources: ResourceDef[] = [certificatesigningrequests];
