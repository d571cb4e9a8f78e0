/**
 * Builds real PKCS#10 requests for tests (ours and the server's in-process suites): a P-256 key,
 * a subject of CN (and O values), signed with ECDSA-SHA256, as base64 of the PEM text, the form
 * spec.request takes in JSON. Not used by the server.
 */
import { generateKeyPairSync, sign } from 'node:crypto';

const tlv = (tag: number, body: Buffer): Buffer => {
  const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 255]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
};

const attr = (oid: number[], value: string) => tlv(0x31, tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from(oid)), tlv(0x0c, Buffer.from(value))])));

/** base64 of a PEM `CERTIFICATE REQUEST` for CN=`cn`, O=`orgs`; `tamper` breaks its signature. */
export function makeTestCSR(cn: string, orgs: string[] = [], tamper = false): string {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const name = tlv(0x30, Buffer.concat([...orgs.map((o) => attr([0x55, 0x04, 0x0a], o)), attr([0x55, 0x04, 0x03], cn)]));
  const info = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), name, spki, tlv(0xa0, Buffer.alloc(0))]));
  const sig = sign('sha256', info, privateKey);
  if (tamper) {
    const at = info.indexOf(Buffer.from(cn));
    info.writeUInt8(info.readUInt8(at) ^ 1, at);
  }
  const alg = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
  const der = tlv(0x30, Buffer.concat([info, alg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig]))]));
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
  return Buffer.from(pem).toString('base64');
}
