/**
 * The in-cluster secret generator as the Job runs it: the program and plan taken from the synthesized ConfigMap,
 * run with node as a child process against an API server stand-in over HTTPS (a CA from the project's generator).
 * Black box: only the exit status, the log (whose last lines become the termination message, FallbackToLogsOnError)
 * and the API's state count.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import * as gen from '../../lib/security/generator/x509';
import { KubeApiStandIn } from '../support/kube-api';
import { Manifest } from '../support/manifests';
import { tempDir, track } from '../support/servers';

jest.setTimeout(20000);
const TOKEN = 'stand-in-token';
const ca = gen.createCa({ commonName: 'test-api-ca', validityDays: 2 });
const serving = gen.issueCertificate({ ca, commonName: 'kubernetes', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });

const configMap = (Testing.synth(new K3sDev(Testing.app(), 'k3s-dev')) as Manifest[])
  .find((m) => m.kind === 'ConfigMap' && m.data?.['secret-generator.js'])!;
const dir = tempDir('kasm-generator');
for (const [f, content] of Object.entries(configMap.data as Record<string, string>)) fs.writeFileSync(path.join(dir, f), content);
fs.writeFileSync(path.join(dir, 'token'), TOKEN);
fs.writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
// The shipped plan, with its first certificate only: every leaf costs an RSA key per run, and one leaf shows the flow.
const plan = JSON.parse(configMap.data['plan.json']);
plan.certificates = (plan.certificates ?? []).slice(0, 1);
fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
const ns: string = plan.namespace;
const managed: string[] = [plan.credentials?.secretName, plan.ca?.secretName, ...(plan.certificates ?? []).map((c: any) => c.secretName)].filter(Boolean);

/** The Job's container: node secret-generator.js plan.json; the termination message is the log's tail. */
function runJob(api: KubeApiStandIn): Promise<{ status: number | null; log: string; termination: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'secret-generator.js'), path.join(dir, 'plan.json')], {
      env: { PATH: process.env.PATH, KASM_GENERATOR_API_URL: api.url, KASM_GENERATOR_TOKEN_FILE: path.join(dir, 'token'), KASM_GENERATOR_CA_FILE: path.join(dir, 'ca.crt'), KASM_GENERATOR_RETRY_DELAY_MS: '20' },
      detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = track(child);
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    child.on('close', (status) => {
      stop();
      // Kubernetes keeps the last 80 lines, at most 2048 bytes, of a failed container's log.
      const termination = log.trimEnd().split('\n').slice(-80).join('\n').slice(-2048);
      resolve({ status, log, termination });
    });
  });
}

let api: KubeApiStandIn;
beforeEach(async () => { api = await new KubeApiStandIn(serving, TOKEN).start(); });
afterEach(() => api.stop());

test('first run creates every Secret (201); a second run changes nothing', async () => {
  const first = await runJob(api);
  expect(first.status).toBe(0);
  expect([...api.secrets.keys()].sort()).toEqual(managed.map((n) => `${ns}/${n}`).sort().concat(plan.mirrors?.map((m: any) => `${m.namespace}/${m.secretName}`) ?? []).sort());
  expect(first.log).toContain(`done, ${api.secrets.size} of ${api.secrets.size} Secrets created or completed`);
  const before = JSON.stringify([...api.secrets.entries()]);
  api.requests.length = 0;
  const second = await runJob(api);
  expect(second.status).toBe(0);
  expect(api.writes()).toEqual([]);
  expect(JSON.stringify([...api.secrets.entries()])).toBe(before);
  expect(second.log).toContain('done, 0 of');
});

test('a partial earlier run (a key and a certificate missing) is completed; what exists is kept', async () => {
  expect((await runJob(api)).status).toBe(0);
  const creds = api.secrets.get(`${ns}/${plan.credentials.secretName}`);
  const [dropped, ...kept] = Object.keys(creds.data);
  const keptValues = kept.map((k) => creds.data[k]);
  delete creds.data[dropped];
  const leaf = plan.certificates[0].secretName;
  api.secrets.delete(`${ns}/${leaf}`);
  api.requests.length = 0;
  const r = await runJob(api);
  expect(r.status).toBe(0);
  expect(api.writes().sort()).toEqual([`PATCH ${ns}/${plan.credentials.secretName}`, `POST ${ns}/${leaf}`].sort());
  const after = api.secrets.get(`${ns}/${plan.credentials.secretName}`).data;
  expect(after[dropped]).toBeTruthy();
  expect(kept.map((k) => after[k])).toEqual(keptValues);
});

test('409 on a create race: the Secret another writer made is read back and kept', async () => {
  const name = plan.credentials.secretName;
  const theirs = { metadata: { name }, data: Object.fromEntries(plan.credentials.keys.map((k: string) => [k, Buffer.from(`theirs-${k}`).toString('base64')])) };
  api.injected.push({ method: 'POST', name, status: 0, times: 1, before: () => api.put(ns, theirs) });
  const r = await runJob(api);
  expect(r.status).toBe(0);
  expect(api.secrets.get(`${ns}/${name}`).data).toEqual(theirs.data);
});

test('403 with a Status body: the Job fails at once, its termination message names the verb and the resource', async () => {
  const name = plan.ca.secretName;
  api.injected.push({ method: 'POST', name, status: 403, times: 99 });
  const r = await runJob(api);
  expect(r.status).toBe(1);
  const last = r.termination.split('\n').pop()!;
  expect(last).toContain(`create Secret ${ns}/${name} failed: HTTP 403 Forbidden`);
  expect(last).toContain('cannot create resource "secrets"');
  expect(api.requests.filter((q) => q === `POST ${ns}/${name}`)).toHaveLength(1);
});

test('422 Invalid fails without a retry, with the API\'s reason', async () => {
  const name = plan.certificates[0].secretName;
  api.injected.push({ method: 'POST', name, status: 422, times: 99 });
  const r = await runJob(api);
  expect(r.status).toBe(1);
  expect(r.termination).toMatch(new RegExp(`create Secret ${ns}/${name} failed: HTTP 422 Invalid: Secret "${name}" is invalid`));
  expect(api.requests.filter((q) => q === `POST ${ns}/${name}`)).toHaveLength(1);
});

test('5xx is retried: twice then success passes; a persistent 500 gives up after a bounded number of attempts', async () => {
  const name = plan.credentials.secretName;
  api.injected.push({ method: 'GET', name, status: 503, times: 2 });
  expect((await runJob(api)).status).toBe(0);
  api.secrets.clear();
  api.requests.length = 0;
  api.injected.push({ method: 'GET', name, status: 500, times: 99 });
  const r = await runJob(api);
  expect(r.status).toBe(1);
  expect(r.termination).toMatch(new RegExp(`GET Secret ${ns}/${name} failed after 5 attempts: HTTP 500 InternalError`));
  expect(api.requests.filter((q) => q === `GET ${ns}/${name}`)).toHaveLength(5);
});

test('a slow answer (1.5 s) is waited for, not retried', async () => {
  const name = plan.credentials.secretName;
  api.injected.push({ method: 'GET', name, status: 0, times: 1, delayMs: 1500 });
  const r = await runJob(api);
  expect(r.status).toBe(0);
  expect(api.requests.filter((q) => q === `GET ${ns}/${name}`)).toHaveLength(1);
});
