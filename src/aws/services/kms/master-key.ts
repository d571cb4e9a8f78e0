/**
 * The KMS master secret of a data directory: 32 random bytes in a file readable by its owner only
 * (mode 0600), created on first start and read on every later one. Losing the file makes every
 * stored KMS key unusable, exactly as losing an HSM would; it is deliberately not in the store, so a
 * copy of the store alone (or an etcd backup) reveals no key material.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/** Conventional file name inside the data directory. */
export const MASTER_SECRET_FILE = 'kms-master.key';

/**
 * Reads the secret at `path`, creating it (exclusively, mode 0600) when absent. Throws when the
 * file exists but does not hold exactly 32 bytes — a truncated secret must never be replaced.
 */
export async function loadOrCreateMasterSecret(path: string): Promise<Buffer> {
  try {
    await writeFile(path, randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = await readFile(path);
  if (secret.length !== 32) throw new Error(`${path}: the KMS master secret must be 32 bytes, found ${secret.length}`);
  return secret;
}
