/**
 * Who this server process is in leader elections: `<hostname>_<id>` as kube-controller-manager
 * names itself, with the id kept in the data directory. A process restarted over the same data
 * directory is the same replica, so it takes its Leases back at once instead of waiting out the
 * lease duration as a stranger would; another replica (its own data directory) stays distinct.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const FILE = 'replica-id';

export async function replicaIdentity(dataDir: string): Promise<string> {
  const path = join(dataDir, FILE);
  let id = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    id = randomUUID();
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${id}\n`);
  }
  return `${hostname()}_${id}`;
}
