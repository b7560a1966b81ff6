/**
 * Every published variant, as committed under dist/: schema-valid, deterministic, fresh, free of secret material,
 * and with the resources, probes and pinned images every container must have.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Testing } from 'cdk8s';
import { K3sDev, VARIANTS } from '../charts';
import { KasmVersion, SYNC_WAVE_ANNOTATION, synthVariants } from '../lib';
import { validateManifests } from '../lib/doctor/schema-validator';
import { Manifest, podSpec } from './support/manifests';

const DIST = path.join(__dirname, '..', 'dist');

/** Every file of a directory tree, relative path -> content. */
function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, readTree(dir, rel));
    else out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

/** Synthesize all variants into a fresh temporary folder. */
function freshSynth(): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-dist-'));
  try {
    synthVariants(VARIANTS, dir);
    return readTree(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fresh = freshSynth();

/** The objects of one variant, parsed from the fresh synth. */
function objectsOf(variant: string): Manifest[] {
  return Object.entries(fresh)
    .filter(([file]) => file.startsWith(`${variant}/`) && file.endsWith('.yaml') && !file.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => yaml.loadAll(text) as Manifest[]);
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'];

/** Fields named like credentials whose value is a literal, and config text that assigns a literal credential. */
function credentialLiterals(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => credentialLiterals(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = `${at}.${k}`;
      // SealedSecret ciphertext is encrypted for the cluster's key and safe in git.
      if (k === 'encryptedData') return [];
      if (/(password|passwd|token|apikey|api_key|private_?key)$/i.test(k) && typeof v === 'string' && v.length > 0) return [here];
      return credentialLiterals(v, here);
    });
  }
  if (typeof value === 'string') {
    // e.g. `password = 'hunter2'` or `requirepass hunter2` inside a ConfigMap file; shell references ($VAR) are fine.
    const m = /(?:password|requirepass|token)\s*[:=]?\s*['"]([^'"$\s{}]{6,})['"]/i.exec(value);
    return m ? [`${at}: ${m[0]}`] : [];
  }
  return [];
}

test('dist/ is fresh: `npm run synth` would not change a byte', () => {
  // A stale dist/ means GitOps deploys something the code no longer describes; run `npm run synth` and commit.
  expect(readTree(DIST)).toEqual(fresh);
});

test('synthesis is deterministic', () => {
  expect(freshSynth()).toEqual(fresh);
});

// dist/ is the golden output of the published variants (the freshness test above); snapshots cover only
// configurations that are not in dist/, so a change to them is still a reviewed diff.
describe('configurations not published in dist/', () => {
  test('k3s-dev on Kasm 1.16.0 matches the reviewed snapshot', () => {
    const chart = new K3sDev(Testing.app(), 'k3s-dev-1-16', { version: KasmVersion.V1_16_0 });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('k3s-dev on Kasm 1.18.1 (the default until 1.19.0) matches the reviewed snapshot', () => {
    const chart = new K3sDev(Testing.app(), 'k3s-dev-1-18', { version: KasmVersion.V1_18_1 });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });
});

describe.each(VARIANTS.map((v) => v.name))('variant %s', (variant) => {
  const objects = objectsOf(variant);


  test('every object passes strict schema validation (Kubernetes 1.27 and 1.33, and the CRDs)', () => {
    const kustomization = yaml.load(fresh[`${variant}/kustomization.yaml`]);
    expect(validateManifests([...objects, kustomization])).toEqual([]);
  });

  test('the variant folder includes its two phases, and each phase\'s kustomization.yaml lists exactly its files', () => {
    expect((yaml.load(fresh[`${variant}/kustomization.yaml`]) as { resources: string[] }).resources).toEqual(['database', 'app']);
    const all: string[] = [];
    for (const phase of ['database', 'app']) {
      const kustomization = yaml.load(fresh[`${variant}/${phase}/kustomization.yaml`]) as { resources: string[] };
      const files = Object.keys(fresh).filter((f) => f.startsWith(`${variant}/${phase}/`) && !f.endsWith('/kustomization.yaml'))
        .map((f) => f.slice(variant.length + phase.length + 2)).sort();
      expect(kustomization.resources).toEqual(files);
      all.push(...files);
    }
    expect(Object.keys(fresh).filter((f) => f.startsWith(`${variant}/`) && f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))).toHaveLength(all.length);
    // Besides the manifests, only NOTES.md, which kustomize does not read.
    expect(Object.keys(fresh).filter((f) => f.startsWith(`${variant}/`) && !f.endsWith('.yaml'))).toEqual([`${variant}/NOTES.md`]);
  });

  test('the database phase holds everything before db-init; the app phase db-init and after', () => {
    for (const [file, text] of Object.entries(fresh).filter(([f]) => f.startsWith(`${variant}/`) && f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))) {
      const wave = Number((yaml.load(text) as Manifest).metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
      expect({ file, phase: file.split('/')[1] }).toEqual({ file, phase: wave < 0 ? 'database' : 'app' });
    }
  });

  test('NOTES.md is the onboarding ConfigMap\'s NOTES.md, and shows commands that read secrets, never a value', () => {
    const notes = fresh[`${variant}/NOTES.md`];
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kasm-onboarding')!;
    expect(configMap.data['NOTES.md']).toBe(notes);
    expect(notes).toContain("kubectl -n kasm get secret kasm-secrets -o jsonpath='{.data.admin-password}' | base64 -d");
    expect(notes).toContain('--manager-token "$MANAGER_TOKEN"');
  });

  test('no Secret carries data, and no file holds a private key or a literal credential', () => {
    for (const [file, text] of Object.entries(fresh).filter(([f]) => f.startsWith(`${variant}/`))) {
      expect({ file, privateKey: /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) }).toEqual({ file, privateKey: false });
      for (const doc of (file.endsWith('.yaml') ? yaml.loadAll(text) : []) as Manifest[]) {
        if (doc?.kind === 'Secret') expect({ file, data: doc.data, stringData: doc.stringData }).toEqual({ file, data: undefined, stringData: undefined });
      }
    }
    for (const o of objects.filter((m) => WORKLOADS.includes(m.kind))) {
      const spec = podSpec(o);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|TOKEN|SECRET|KEY/.test(e.name)) expect({ env: e.name, literal: e.value }).toEqual({ env: e.name, literal: undefined });
        }
      }
    }
    // Any field named like a credential must hold a reference, never a value; config files must not assign one.
    for (const o of objects) {
      for (const hit of credentialLiterals(o)) expect({ object: `${o.kind}/${o.metadata.name}`, hit }).toBeUndefined();
    }
  });

  test('every container has CPU and memory requests and limits; every main container has probes', () => {
    for (const o of objects.filter((m) => WORKLOADS.includes(m.kind))) {
      const spec = podSpec(o);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const where = `${o.kind}/${o.metadata.name} ${c.name}`;
        expect({ where, requests: Object.keys(c.resources?.requests ?? {}).sort() }).toEqual({ where, requests: ['cpu', 'ephemeral-storage', 'memory'] });
        expect({ where, limits: Object.keys(c.resources?.limits ?? {}).sort() }).toEqual({ where, limits: ['cpu', 'ephemeral-storage', 'memory'] });
      }
      if (o.kind === 'Job' || o.kind === 'CronJob') continue; // run-to-completion pods have no readiness to probe
      for (const c of spec.containers) {
        expect({ c: c.name, readiness: !!c.readinessProbe, liveness: !!c.livenessProbe }).toEqual({ c: c.name, readiness: true, liveness: true });
      }
    }
  });

  test('failures explain themselves: every container falls back to its logs, every Job keeps its failed pods', () => {
    for (const o of objects.filter((m) => WORKLOADS.includes(m.kind))) {
      const spec = podSpec(o);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect({ c: `${o.metadata.name}/${c.name}`, policy: c.terminationMessagePolicy }).toEqual({ c: `${o.metadata.name}/${c.name}`, policy: 'FallbackToLogsOnError' });
      }
      if (o.kind === 'Job' || o.kind === 'CronJob') {
        const job = o.kind === 'Job' ? o.spec : o.spec.jobTemplate.spec;
        expect({ job: o.metadata.name, restartPolicy: spec.restartPolicy, hasBackoffLimit: Number.isInteger(job.backoffLimit) })
          .toEqual({ job: o.metadata.name, restartPolicy: 'Never', hasBackoffLimit: true });
      }
    }
  });

  test('every image is pinned to an exact version', () => {
    for (const o of objects.filter((m) => WORKLOADS.includes(m.kind))) {
      const spec = podSpec(o);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.image).toMatch(/^[a-z0-9./:-]+:[0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$/);
      }
    }
  });

  test('every namespaced object names its namespace explicitly; cluster-scoped ones do not', () => {
    for (const o of objects) {
      if (o.kind === 'Namespace') expect(o.metadata.namespace).toBeUndefined();
      else expect({ o: `${o.kind}/${o.metadata.name}`, ns: typeof o.metadata.namespace }).toEqual({ o: `${o.kind}/${o.metadata.name}`, ns: 'string' });
    }
  });

  test('Argo CD sync waves follow the dependency order', () => {
    const wave = (kinds: string[], pred: (m: Manifest) => boolean = () => true) =>
      Math.max(...objects.filter((m) => kinds.includes(m.kind) && pred(m)).map((m) => Number(m.metadata.annotations?.[SYNC_WAVE_ANNOTATION])));
    const secrets = wave(['Job'], (m) => m.metadata.name.includes('secret-generator'));
    const database = wave(['StatefulSet', 'Cluster'], (m) => /-db(-|$)/.test(m.metadata.name) || m.kind === 'Cluster');
    const dbInit = wave(['Job'], (m) => m.metadata.name.includes('db-init'));
    expect(wave(['Namespace'])).toBeLessThan(secrets);
    expect(secrets).toBeLessThan(database);
    expect(database).toBeLessThan(dbInit);
    expect(dbInit).toBeLessThan(wave(['Deployment']));
    expect(wave(['Deployment'])).toBeLessThan(wave(['Ingress', 'IngressRoute']));
    // The layers, by what each object is: namespace and policies, then Secrets and certificates (and the generator),
    // then the database, then db-init, then the control plane, then the front door.
    const layer = (o: Manifest): number => {
      const name = o.metadata.name;
      if (o.kind === 'Namespace' || o.kind === 'NetworkPolicy') return -3;
      if (o.kind === 'Certificate' || o.kind === 'ExternalSecret' || o.kind === 'SealedSecret' || name.includes('secret-generator')) return -2;
      if (name.includes('db-init')) return 0;
      // The database's StatefulSet is named for it; a gateway StatefulSet (1.19.0's guac) is the control plane's.
      if (['Cluster', 'ScheduledBackup', 'PersistentVolumeClaim', 'CronJob'].includes(o.kind) || /-db(-|$)/.test(name) || name === 'db') return -1;
      if (['Ingress', 'IngressRoute', 'ServersTransport', 'HelmChartConfig'].includes(o.kind)) return 2;
      return 1;
    };
    for (const o of objects) {
      expect({ object: `${o.kind}/${o.metadata.name}`, wave: Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]) })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, wave: layer(o) });
    }
    for (const o of objects) expect(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toMatch(/^-?[0-9]+$/);
  });
});

test('the credential scan catches literals it is meant to catch', () => {
  expect(credentialLiterals({ spec: { adminPassword: 'hunter2' } })).toEqual(['.spec.adminPassword']);
  expect(credentialLiterals({ data: { 'app.conf': "db_password = 'S3cretValue'" } })).toEqual([".data.app.conf: password = 'S3cretValue'"]);
  expect(credentialLiterals({ env: [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'x', key: 'db-password' } } }] })).toEqual([]);
  expect(credentialLiterals({ spec: { encryptedData: { 'db-password': 'AgBciphertext' } } })).toEqual([]);
});

describe('GitOps manifests', () => {
  const docs = (dir: string) => Object.entries(fresh).filter(([f]) => f.startsWith(`gitops/${dir}/`) && !f.endsWith('kustomization.yaml')).map(([, t]) => yaml.load(t) as Manifest);

  test('valid against the Argo CD and Flux CRDs', () => {
    expect(validateManifests([...docs('argocd'), ...docs('flux')])).toEqual([]);
  });

  test('one Argo CD Application per variant, pointing at its folder, automated with prune and self-heal', () => {
    const apps = docs('argocd');
    expect(apps.map((a) => a.spec.source.path).sort()).toEqual(VARIANTS.map((v) => `dist/${v.name}`).sort());
    for (const a of apps) expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test('Flux applies the database phase first, waits for its health (CNPG Cluster where present), then the application', () => {
    const ks = docs('flux').filter((d) => d.kind === 'Kustomization');
    for (const v of VARIANTS) {
      const db = ks.find((k) => k.metadata.name === `kasm-${v.name}-database`)!;
      const app = ks.find((k) => k.metadata.name === `kasm-${v.name}-app`)!;
      expect(db.spec.path).toBe(`./dist/${v.name}/database`);
      expect(app.spec.dependsOn).toEqual([{ name: `kasm-${v.name}-database` }]);
      expect(db.spec.wait && app.spec.wait).toBe(true);
      expect(db.spec.healthChecks[0].kind).toBe(v.name === 'rke2-cnpg' ? 'Cluster' : 'StatefulSet');
      // Only what the database phase applies: a health check on an app-phase object (1.19.0's gateway StatefulSets)
      // would wait for something that only comes after this phase is healthy.
      const databaseFiles = fs.readdirSync(path.join(DIST, v.name, 'database'));
      for (const h of db.spec.healthChecks) expect(databaseFiles).toContain(`${h.kind}.${h.name}.yaml`);
    }
  });

  test('Jobs never flap: none carries a TTL, every one is named after its pod template', () => {
    for (const v of VARIANTS) {
      for (const job of objectsOf(v.name).filter((o) => o.kind === 'Job')) {
        expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
        expect(job.metadata.name).toMatch(/-[0-9a-f]{6}$/);
      }
    }
  });
});
