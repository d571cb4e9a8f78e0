/**
 * Key pair names follow EC2's documented constraint (up to 255 ASCII characters): an empty name is
 * a missing parameter, a longer or non-ASCII one an InvalidParameterValue, for CreateKeyPair and
 * ImportKeyPair alike, and nothing is stored.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, it } from 'node:test';
import { CreateKeyPairCommand, DescribeKeyPairsCommand, EC2Client, ImportKeyPairCommand } from '@aws-sdk/client-ec2';
import { rejection, sdkConfig, startEc2Server, type Ec2TestServer } from './test-helper.js';

let srv: Ec2TestServer;
let ec2: EC2Client;
before(async () => {
  srv = await startEc2Server();
  ec2 = new EC2Client(sdkConfig(srv.url));
});
after(async () => {
  ec2.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, code);
  assert.equal(err.message, message);
  assert.equal(err.$metadata?.httpStatusCode, 400);
}

it('refuses empty, over-long and non-ASCII key pair names', async () => {
  const long = 'k'.repeat(256);
  const ssh = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const openssh = `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), ssh.subarray(-32)]).toString('base64')}`;
  for (const send of [(n: string) => ec2.send(new CreateKeyPairCommand({ KeyName: n })), (n: string) => ec2.send(new ImportKeyPairCommand({ KeyName: n, PublicKeyMaterial: Buffer.from(openssh) }))]) {
    await expectError(send(''), 'MissingParameter', 'The request must contain the parameter KeyName');
    await expectError(send(long), 'InvalidParameterValue', `Value (${long}) for parameter KeyName is invalid. Length exceeds maximum of 255.`);
    await expectError(send('clé'), 'InvalidParameterValue', 'Value (clé) for parameter KeyName is invalid. Character sets beyond ASCII are not supported.');
    // (XML cannot carry the NUL back, so the echoed value loses it.)
    await expectError(send('a\u0000b'), 'InvalidParameterValue', 'Value (ab) for parameter KeyName is invalid. Character sets beyond ASCII are not supported.');
  }
  assert.deepEqual((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs, []);
  const ok = await ec2.send(new CreateKeyPairCommand({ KeyName: 'k'.repeat(255) }));
  assert.equal(ok.KeyName, 'k'.repeat(255));
  const imported = await ec2.send(new ImportKeyPairCommand({ KeyName: 'my key (laptop)', PublicKeyMaterial: Buffer.from(openssh) }));
  assert.equal(imported.KeyName, 'my key (laptop)');
});
