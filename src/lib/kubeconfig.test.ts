import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { parse } from "yaml";
import { buildKubeconfig, writeKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
import {
  createCA,
  issueClientCert,
  issueServerCert,
  parseClientCertIdentity,
  type CertKeyPair,
  type ClientCertIdentity,
} from "./pki.js";

const run = promisify(execFile);
const b64 = (s: string) => Buffer.from(s).toString("base64");
const VERSION = { major: "1", minor: "32", gitVersion: "v1.32.0" };

let dir: string;
let ca: CertKeyPair;
let client: CertKeyPair;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "eksplane-kubeconfig-"));
  ca = await createCA("kubernetes");
  client = await issueClientCert(ca, { commonName: "alice", organizations: ["system:masters", "devs"] });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("buildKubeconfig", () => {
  test("one cluster, user and context, with PEMs embedded as base64", () => {
    const config = buildKubeconfig({
      clusterName: "demo",
      server: "https://127.0.0.1:6443",
      caPem: ca.certPem,
      user: "admin",
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    });
    assert.deepEqual(config, {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "demo", cluster: { server: "https://127.0.0.1:6443", "certificate-authority-data": b64(ca.certPem) } },
      ],
      users: [
        { name: "admin", user: { "client-certificate-data": b64(client.certPem), "client-key-data": b64(client.keyPem) } },
      ],
      contexts: [{ name: "admin@demo", context: { cluster: "demo", user: "admin" } }],
      "current-context": "admin@demo",
      preferences: {},
    });
  });

  test("token, exec plugin, namespace and context name", () => {
    const config = buildKubeconfig({
      clusterName: "arn:aws:eks:us-east-1:000000000000:cluster/demo",
      server: "https://demo.example:443",
      caPem: ca.certPem,
      user: "arn:aws:eks:us-east-1:000000000000:cluster/demo",
      contextName: "arn:aws:eks:us-east-1:000000000000:cluster/demo",
      token: "t0k3n",
      exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", "demo"], env: [{ name: "AWS_PROFILE", value: "p" }] },
      namespace: "kube-system",
    });
    assert.deepEqual(config.users[0]?.user, {
      token: "t0k3n",
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", "demo"],
        env: [{ name: "AWS_PROFILE", value: "p" }],
        interactiveMode: "IfAvailable",
      },
    });
    assert.equal(config.contexts[0]?.context.namespace, "kube-system");
    assert.equal(config["current-context"], "arn:aws:eks:us-east-1:000000000000:cluster/demo");
  });

  test("refuses half a client certificate and a non-https server", () => {
    const base = { clusterName: "c", server: "https://x", caPem: ca.certPem, user: "u" };
    assert.throws(() => buildKubeconfig({ ...base, clientCertPem: client.certPem }), TypeError);
    assert.throws(() => buildKubeconfig({ ...base, clientKeyPem: client.keyPem }), TypeError);
    assert.throws(() => buildKubeconfig({ ...base, server: "http://x" }), TypeError);
    assert.throws(() => buildKubeconfig({ ...base, server: "127.0.0.1:6443" }), TypeError);
  });
});

describe("writeKubeconfig", () => {
  const config = () =>
    buildKubeconfig({
      clusterName: "demo",
      server: "https://127.0.0.1:6443",
      caPem: ca.certPem,
      user: "admin",
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    });

  test("creates parent directories and writes YAML readable only by the owner", async () => {
    const path = join(dir, "a", "b", "config");
    await writeKubeconfig(path, config());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "a", "b"))).mode & 0o777, 0o700);
    assert.deepEqual(parse(await readFile(path, "utf8")), config());
    assert.deepEqual(await readdir(join(dir, "a", "b")), ["config"], "no temporary file is left behind");
  });

  test("replaces an existing file and narrows its mode", async () => {
    const path = join(dir, "existing");
    await writeFile(path, "old", { mode: 0o644 });
    await writeKubeconfig(path, config());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(parse(await readFile(path, "utf8")).kind, "Config");
  });

  test("@kubernetes/client-node loads it", async () => {
    const path = join(dir, "client-node");
    await writeKubeconfig(path, config());
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    assert.equal(kc.getCurrentContext(), "admin@demo");
    assert.equal(kc.getCurrentCluster()?.server, "https://127.0.0.1:6443");
    assert.equal(kc.getCurrentCluster()?.caData, b64(ca.certPem));
    assert.equal(kc.getCurrentUser()?.name, "admin");
    assert.equal(kc.getCurrentUser()?.certData, b64(client.certPem));
    assert.equal(kc.getCurrentUser()?.keyData, b64(client.keyPem));
  });
});

interface Seen {
  path: string;
  identity: ClientCertIdentity | undefined;
  authorization: string | undefined;
}

describe("kubectl", () => {
  let https: Server;
  let server: string;
  let home: string;
  const seen: Seen[] = [];

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "eksplane-kubectl-home-"));
    const serving = await issueServerCert(ca, {
      commonName: "kube-apiserver",
      dnsNames: ["localhost"],
      ipAddresses: ["127.0.0.1"],
    });
    https = createServer(
      { cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        const path = req.url ?? "";
        seen.push({
          path,
          identity: socket.authorized ? parseClientCertIdentity(socket.getPeerCertificate()) : undefined,
          authorization: req.headers.authorization,
        });
        // kubectl here is a dispatcher that first asks GET /version?timeout=5s to pick a version.
        if (path === "/version" || path.startsWith("/version?")) {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(VERSION));
          return;
        }
        res.statusCode = 404;
        res.end();
      },
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    server = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  });

  after(async () => {
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
    await rm(home, { recursive: true, force: true });
  });

  async function kubectl(opts: Omit<KubeconfigOptions, "clusterName" | "server" | "caPem">, ...args: string[]) {
    const file = join(home, `${opts.user}.kubeconfig`);
    await writeKubeconfig(file, buildKubeconfig({ clusterName: "demo", server, caPem: ca.certPem, ...opts }));
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
    const { stdout } = await run("kubectl", ["--kubeconfig", file, ...args], { env, timeout: 30_000 });
    return stdout;
  }

  test("kubectl config view shows the cluster", async () => {
    const out = await kubectl(
      { user: "viewer", clientCertPem: client.certPem, clientKeyPem: client.keyPem },
      "config",
      "view",
      "--raw",
      "-o",
      "json",
    );
    const view = JSON.parse(out) as {
      clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
      "current-context": string;
    };
    assert.equal(view.clusters[0]?.name, "demo");
    assert.equal(view.clusters[0]?.cluster.server, server);
    assert.equal(view.clusters[0]?.cluster["certificate-authority-data"], b64(ca.certPem));
    assert.equal(view["current-context"], "viewer@demo");
  });

  test("kubectl verifies the server and authenticates with the client certificate", async () => {
    const from = seen.length;
    const out = await kubectl(
      { user: "alice", clientCertPem: client.certPem, clientKeyPem: client.keyPem },
      "get",
      "--raw",
      "/version",
    );
    assert.deepEqual(JSON.parse(out), VERSION);
    const requests = seen.slice(from);
    assert.ok(requests.some((r) => r.path === "/version"), JSON.stringify(requests));
    for (const r of requests) {
      assert.deepEqual(r.identity, { user: "alice", groups: ["system:masters", "devs"] });
    }
  });

  test("kubectl sends the token", async () => {
    const from = seen.length;
    await kubectl({ user: "token-user", token: "abc.def" }, "get", "--raw", "/version");
    const last = seen.slice(from).at(-1);
    assert.equal(last?.authorization, "Bearer abc.def");
    assert.equal(last?.identity, undefined);
  });

  test("kubectl runs the exec plugin and sends its token", async () => {
    const credential = {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      status: { token: "from-exec" },
    };
    const from = seen.length;
    await kubectl(
      {
        user: "exec-user",
        exec: { command: process.execPath, args: ["-e", `process.stdout.write(${JSON.stringify(JSON.stringify(credential))})`] },
      },
      "get",
      "--raw",
      "/version",
    );
    assert.equal(seen.slice(from).at(-1)?.authorization, "Bearer from-exec");
  });
});
