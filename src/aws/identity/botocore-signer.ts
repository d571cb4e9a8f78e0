/**
 * Test support: signatures made by the real botocore (`SigV4Auth` header form, `SigV4QueryAuth`
 * presigned form) through a python3 subprocess, so tests check our verifier against the reference
 * implementation rather than against our own signer. botocore is installed with the `aws` CLI.
 */
import { spawnSync } from 'node:child_process';

export interface BotocoreSignInput {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms of the signature. */
  time: number;
  /** Presign with this X-Amz-Expires instead of signing headers. */
  presignExpires?: number;
}

/** What botocore produced: the final URL (presigned form) and the headers to send. */
export interface BotocoreSigned {
  url: string;
  headers: Record<string, string>;
}

const SCRIPT = String.raw`
import json, sys, datetime
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for r in json.load(sys.stdin):
    t = datetime.datetime.fromtimestamp(r['time'] / 1000, datetime.timezone.utc).replace(tzinfo=None)
    auth.get_current_datetime = lambda t=t: t
    creds = Credentials(r['accessKeyId'], r['secretAccessKey'], r.get('sessionToken'))
    req = AWSRequest(method=r['method'], url=r['url'], headers=r.get('headers') or {}, data=(r.get('body') or '').encode())
    if r.get('presignExpires') is not None:
        auth.SigV4QueryAuth(creds, r['service'], r['region'], expires=r['presignExpires']).add_auth(req)
    else:
        auth.SigV4Auth(creds, r['service'], r['region']).add_auth(req)
    out.append({'url': req.url, 'headers': {k: (v.decode() if isinstance(v, bytes) else v) for k, v in req.headers.items()}})
print(json.dumps(out))
`;

/** Signs each request with botocore; throws when python3 or botocore is missing. */
export function signWithBotocore(reqs: BotocoreSignInput[]): BotocoreSigned[] {
  const r = spawnSync('python3', ['-c', SCRIPT], { input: JSON.stringify(reqs), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`botocore signing failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as BotocoreSigned[];
}
