/**
 * Kubeconfig files (the `v1` `Config` kind that kubectl and every client library read): building
 * one for a cluster and writing it where a user's tools will find it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { stringify } from "yaml";

/** An exec credential plugin, as `aws eks update-kubeconfig` writes one (`aws eks get-token …`). */
export interface ExecCredentialPlugin {
  command: string;
  args: string[];
  env?: { name: string; value: string }[];
  /** Defaults to `client.authentication.k8s.io/v1beta1`, what kubectl 1.22+ and the AWS CLI speak. */
  apiVersion?: string;
  /** Defaults to `IfAvailable`; kubectl requires the field for the `v1` exec API. */
  interactiveMode?: "Never" | "IfAvailable" | "Always";
}

/** What `buildKubeconfig` needs: one cluster, one user entry, one context joining them. */
export interface KubeconfigOptions {
  /** Name of the cluster entry (EKS uses the cluster ARN). */
  clusterName: string;
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  caPem: string;
  /** Name of the user entry. */
  user: string;
  /** Client certificate PEM; must come with `clientKeyPem`. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Bearer token. */
  token?: string;
  exec?: ExecCredentialPlugin;
  /** Default namespace of the context. */
  namespace?: string;
  /** Name of the context; defaults to `<user>@<clusterName>`, kubeadm's naming. */
  contextName?: string;
}

/** The parts of kubeconfig's `v1` `Config` that `buildKubeconfig` writes, with kubeconfig's field names. */
export interface Kubeconfig {
  apiVersion: "v1";
  kind: "Config";
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  "current-context": string;
  preferences: Record<string, never>;
}

/** A kubeconfig user entry's credentials; an entry with none of them is an anonymous user. */
export interface KubeconfigUser {
  "client-certificate-data"?: string;
  "client-key-data"?: string;
  token?: string;
  exec?: Required<Pick<ExecCredentialPlugin, "apiVersion" | "command" | "args" | "interactiveMode">> &
    Pick<ExecCredentialPlugin, "env">;
}

/**
 * Returns a kubeconfig with exactly one cluster, one user and one context, that context current.
 *
 * PEMs are embedded base64-encoded (`*-data` fields), so the file stands alone. Credentials given
 * are all kept (kubectl prefers the client certificate, then token, then exec). Throws when only
 * one of `clientCertPem`/`clientKeyPem` is given or `server` is not an https URL, the mistakes that
 * otherwise only surface as a TLS error in kubectl.
 */
export function buildKubeconfig(opts: KubeconfigOptions): Kubeconfig {
  if ((opts.clientCertPem === undefined) !== (opts.clientKeyPem === undefined)) {
    throw new TypeError("clientCertPem and clientKeyPem must be given together");
  }
  if (!/^https:\/\/[^/]/.test(opts.server)) {
    throw new TypeError(`server must be an https:// URL, got ${JSON.stringify(opts.server)}`);
  }
  const user: KubeconfigUser = {};
  if (opts.clientCertPem !== undefined && opts.clientKeyPem !== undefined) {
    user["client-certificate-data"] = base64(opts.clientCertPem);
    user["client-key-data"] = base64(opts.clientKeyPem);
  }
  if (opts.token !== undefined) user.token = opts.token;
  if (opts.exec) {
    user.exec = {
      apiVersion: opts.exec.apiVersion ?? "client.authentication.k8s.io/v1beta1",
      command: opts.exec.command,
      args: [...opts.exec.args],
      ...(opts.exec.env ? { env: opts.exec.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
      interactiveMode: opts.exec.interactiveMode ?? "IfAvailable",
    };
  }
  const contextName = opts.contextName ?? `${opts.user}@${opts.clusterName}`;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: opts.clusterName,
        cluster: { server: opts.server, "certificate-authority-data": base64(opts.caPem) },
      },
    ],
    users: [{ name: opts.user, user }],
    contexts: [
      {
        name: contextName,
        context: {
          cluster: opts.clusterName,
          user: opts.user,
          ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
        },
      },
    ],
    "current-context": contextName,
    preferences: {},
  };
}

/**
 * Writes `config` as YAML to `path` with mode 0600, creating missing parent directories (0700).
 *
 * The file holds credentials, hence the mode, which is applied even when the file already
 * existed with a wider one. The write goes to a temporary sibling that is then renamed over
 * `path`, so a kubectl reading concurrently sees the old file or the new one, never half of one.
 */
export async function writeKubeconfig(path: string, config: object): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, stringify(config, { lineWidth: 0 }), { mode: 0o600, flag: "wx" });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
