/** admissionregistration.k8s.io/v1: webhook configurations and validating admission policies (stored and validated; enforced by the admission chain). */
import type { ResourceDef } from '../resource.js';
import { validatingadmissionpolicies, validatingadmissionpolicybindings } from './policies.js';
import { mutatingwebhookconfigurations, validatingwebhookconfigurations } from './webhookconfigurations.js';

/** The admissionregistration.k8s.io/v1 resources. */
export const admissionregistrationResources: ResourceDef[] = [mutatingwebhookconfigurations, validatingadmissionpolicies, validatingadmissionpolicybindings, validatingwebhookconfigurations];
