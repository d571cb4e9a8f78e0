/**
 * Secrets envelope encryption configuration (shared/research/eks-semantics.md §7): at most one
 * entry, `resources` only `["secrets"]` (omitted or empty means that), a `provider.keyArn` that is
 * a KMS key or alias ARN. The key itself is only recorded here; using it is the API server's work.
 */
import { eksError, MSG } from './errors.js';
import type { EncryptionConfig } from './state.js';

const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w\-/]+$/;

/** The normalized configuration, or InvalidParameterException. */
export function validateEncryptionConfig(configs: readonly { resources?: string[]; provider?: { keyArn?: string } }[], clusterName: string): EncryptionConfig[] {
  const f = { clusterName };
  return configs.map((c) => {
    const resources = c.resources?.length ? c.resources : ['secrets'];
    if (resources.some((r) => r !== 'secrets')) throw eksError('InvalidParameterException', MSG.encryptionResources, f);
    const keyArn = c.provider?.keyArn ?? '';
    if (!KMS_ARN.test(keyArn)) throw eksError('InvalidParameterException', MSG.encryptionKeyArn(keyArn), f);
    return { resources: ['secrets'], provider: { keyArn } };
  });
}
