import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { PeerCertificate, TLSSocket } from "node:tls";
import { promisify } from "node:util";
import {
  createCA,
  issueClientCert,
  issueServerCert,
  parseClientCertIdentity,
  type CertKeyPair,
  type ClientCertIdentity,
} from "./pki.js";

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;

let dir: string;
let ca: CertKeyPair;
let server: CertKeyPair;
let client: CertKeyPair;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "eksplane-pki-"));
  ca = await createCA("kubernetes");
  server = await issueServerCert(ca, {
    commonName: "kube-apiserver",
    dnsNames: ["localhost", "kubernetes.default.svc"],
    ipAddresses: ["127.0.0.1", "::1"],
  });
  client = await issueClientCert(ca, { commonName: "alice", organizations: ["system:masters", "devs"] });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("certificate contents", () => {
  test("the CA is a self-signed CA with the key usages and SKI Go expects", () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, "CN=kubernetes");
    assert.ok(cert.checkIssued(cert));
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  test("the server certificate carries DNS and IP SANs and serverAuth", () => {
    const cert = new X509Certificate(server.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(caCert));
    assert.ok(cert.verify(caCert.publicKey));
    assert.equal(
      cert.subjectAltName,
      "DNS:localhost, DNS:kubernetes.default.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
    assert.ok(cert.checkHost("localhost"));
    assert.ok(cert.checkIP("127.0.0.1"));
  });

  test("the client certificate has one O per group, CN for the user, and clientAuth", () => {
    const cert = new X509Certificate(client.certPem);
    assert.equal(cert.subject, "O=system:masters\nO=devs\nCN=alice");
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
    assert.deepEqual(parseClientCertIdentity(cert), { user: "alice", groups: ["system:masters", "devs"] });
  });

  test("validity is backdated an hour from the injected now and lasts validDays", async () => {
    const now = Date.UTC(2030, 5, 1, 12, 0, 0);
    const ca2 = await createCA("fixed", { now, validDays: 30 });
    const leaf = await issueClientCert(ca2, { commonName: "bob", organizations: [], now, validDays: 7 });
    const caCert = new X509Certificate(ca2.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    assert.equal(Date.parse(caCert.validFrom), now - 60 * 60 * 1000);
    assert.equal(Date.parse(caCert.validTo), now + 30 * DAY);
    assert.equal(Date.parse(leafCert.validTo), now + 7 * DAY);
    assert.equal(leafCert.subject, "CN=bob");
  });

  test("a leaf never outlives its CA", async () => {
    const now = Date.UTC(2030, 0, 1);
    const shortCa = await createCA("short", { now, validDays: 2 });
    const leaf = await issueServerCert(shortCa, { commonName: "s", dnsNames: ["s"], ipAddresses: [], now });
    assert.equal(new X509Certificate(leaf.certPem).validTo, new X509Certificate(shortCa.certPem).validTo);
  });

  test("serial numbers are random and positive", async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const leaf = await issueClientCert(ca, { commonName: "x", organizations: [] });
      const serial = new X509Certificate(leaf.certPem).serialNumber;
      assert.ok(serial.length >= 30, serial);
      serials.add(serial);
    }
    assert.equal(serials.size, 5);
  });

  test("bad input is refused before anything is signed", async () => {
    await assert.rejects(createCA(""), TypeError);
    await assert.rejects(createCA("x", { validDays: 0 }), RangeError);
    await assert.rejects(issueServerCert(ca, { commonName: "s", dnsNames: [], ipAddresses: [] }), TypeError);
    await assert.rejects(
      issueServerCert(ca, { commonName: "s", dnsNames: [], ipAddresses: ["300.1.1.1"] }),
      /not an IP address/,
    );
    await assert.rejects(issueClientCert(ca, { commonName: "u", organizations: [""] }), TypeError);
  });

  test("creating a CA, a server and a client certificate is fast", async (t) => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      const c = await createCA("bench");
      await issueServerCert(c, { commonName: "s", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
      await issueClientCert(c, { commonName: "u", organizations: ["g"] });
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)] ?? Infinity;
    t.diagnostic(`CA+server+client: median ${median.toFixed(1)} ms, max ${samples.at(-1)?.toFixed(1)} ms`);
    // Generous bound so a loaded CI machine does not flake; typical is ~20 ms.
    assert.ok(median < 100, `median ${median} ms`);
  });
});

describe("openssl agrees", () => {
  test("openssl verify accepts the chain for the intended purposes", async () => {
    const caFile = join(dir, "ca.pem");
    const serverFile = join(dir, "server.pem");
    const clientFile = join(dir, "client.pem");
    await writeFile(caFile, ca.certPem);
    await writeFile(serverFile, server.certPem);
    await writeFile(clientFile, client.certPem);
    const ok = await run("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslserver", serverFile]);
    assert.equal(ok.stdout.trim(), `${serverFile}: OK`);
    const okClient = await run("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslclient", clientFile]);
    assert.equal(okClient.stdout.trim(), `${clientFile}: OK`);
    // The purposes are enforced: a client certificate is not a server certificate.
    await assert.rejects(run("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslserver", clientFile]));
  });

  test("the key is PKCS#8 that openssl reads as the certificate's key", async () => {
    const keyFile = join(dir, "server.key");
    await writeFile(keyFile, server.keyPem);
    const fromKey = await run("openssl", ["pkey", "-in", keyFile, "-pubout"]);
    assert.equal(fromKey.stdout, new X509Certificate(server.certPem).publicKey.export({ type: "spki", format: "pem" }));
  });

  test("a CA made by openssl (RSA) can issue, and openssl verifies the result", async () => {
    const keyFile = join(dir, "rsa-ca.key");
    const caFile = join(dir, "rsa-ca.pem");
    await run("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rsa-ca",
      "-keyout", keyFile, "-out", caFile, "-days", "2",
    ]);
    const rsaCa = { certPem: await readFile(caFile, "utf8"), keyPem: await readFile(keyFile, "utf8") };
    const leaf = await issueServerCert(rsaCa, { commonName: "s", dnsNames: ["localhost"], ipAddresses: [] });
    const leafFile = join(dir, "rsa-leaf.pem");
    await writeFile(leafFile, leaf.certPem);
    const ok = await run("openssl", ["verify", "-CAfile", caFile, "-purpose", "sslserver", leafFile]);
    assert.equal(ok.stdout.trim(), `${leafFile}: OK`);
  });
});

interface Seen {
  authorized: boolean;
  authorizationError: string | undefined;
  identity: ClientCertIdentity | undefined;
}

describe("real TLS", () => {
  let https: Server;
  let port: number;
  const seen: Seen[] = [];

  before(async () => {
    https = createServer(
      { cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        seen.push({
          authorized: socket.authorized,
          authorizationError: socket.authorizationError?.toString(),
          identity: parseClientCertIdentity(socket.getPeerCertificate()),
        });
        res.setHeader("content-type", "application/json");
        res.end('{"ok":true}');
      },
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    port = (https.address() as AddressInfo).port;
  });

  after(async () => {
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  });

  function get(opts: { servername?: string; cert?: CertKeyPair; trust?: string }): Promise<{ body: string; peer: PeerCertificate }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/",
          agent: false,
          ca: opts.trust ?? ca.certPem,
          ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
          ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
        },
        (res) => {
          const peer = (res.socket as TLSSocket).getPeerCertificate();
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ body, peer }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  test("client verifies the server by IP SAN and the server sees the client's user and groups", async () => {
    const res = await get({ cert: client });
    assert.equal(res.body, '{"ok":true}');
    assert.equal(res.peer.subject.CN, "kube-apiserver");
    assert.deepEqual(seen.at(-1), {
      authorized: true,
      authorizationError: undefined,
      identity: { user: "alice", groups: ["system:masters", "devs"] },
    });
  });

  test("client verifies the server by DNS SAN", async () => {
    const res = await get({ servername: "localhost", cert: client });
    assert.equal(res.body, '{"ok":true}');
    assert.equal(seen.at(-1)?.authorized, true);
  });

  test("a host name not in the SANs is refused by the client", async () => {
    await assert.rejects(get({ servername: "evil.example", cert: client }), { code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  test("a client that does not trust our CA refuses the server", async () => {
    const other = await createCA("other");
    // Node's server sends our CA along with the leaf (OpenSSL builds the chain from `ca`), so the
    // client reports the untrusted root rather than an unknown issuer.
    await assert.rejects(get({ trust: other.certPem }), { code: "SELF_SIGNED_CERT_IN_CHAIN" });
  });

  test("a client certificate from another CA is seen but not authorized", async () => {
    const rogueCa = await createCA("kubernetes");
    const rogue = await issueClientCert(rogueCa, { commonName: "mallory", organizations: ["system:masters"] });
    await get({ cert: rogue });
    const last = seen.at(-1);
    assert.equal(last?.authorized, false);
    assert.ok(last?.authorizationError, "an authorization error is reported");
    // The subject is still readable, which is why callers must check `authorized` first.
    assert.equal(last?.identity?.user, "mallory");
  });

  test("a client without a certificate has no identity", async () => {
    await get({});
    assert.deepEqual(seen.at(-1), {
      authorized: false,
      authorizationError: "UNABLE_TO_GET_ISSUER_CERT",
      identity: undefined,
    });
  });
});

describe("parseClientCertIdentity", () => {
  const peer = (subject: Record<string, string | string[]>) => ({ subject }) as unknown as PeerCertificate;

  test("single and repeated attributes", () => {
    assert.deepEqual(parseClientCertIdentity(peer({ CN: "u", O: "g" })), { user: "u", groups: ["g"] });
    assert.deepEqual(parseClientCertIdentity(peer({ CN: "u", O: ["a", "b"] })), { user: "u", groups: ["a", "b"] });
    assert.deepEqual(parseClientCertIdentity(peer({ CN: "u" })), { user: "u", groups: [] });
  });

  test("the last CN wins, as in Go's pkix.Name", () => {
    assert.equal(parseClientCertIdentity(peer({ CN: ["first", "last"] }))?.user, "last");
  });

  test("no certificate or no CN means no identity", () => {
    assert.equal(parseClientCertIdentity(undefined), undefined);
    assert.equal(parseClientCertIdentity({} as PeerCertificate), undefined);
    assert.equal(parseClientCertIdentity(peer({ O: "g" })), undefined);
  });
});
