/**
 * Parity with the official chart: every fact `test/contract/parity/` keeps for a release is checked against what the
 * constructs synthesize, so a drift fails here instead of waiting for a reader. Known differences are listed with
 * their gaps-table row; a fix removes its line.
 */
import { Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import { KasmVersion } from '../../lib';
import { Manifest } from '../support/manifests';
import { factId, KNOWN_DIFFERENCES, PARITY_1_19_0, ParityFact } from './parity/v1_19_0';

const COMPONENT_LABEL = 'app.kubernetes.io/component';
const WORKLOADS = ['Deployment', 'StatefulSet', 'Job'];

const dev = Testing.synth(new K3sDev(Testing.app(), 'dev', { version: KasmVersion.V1_19_0 })) as Manifest[];
// The medium preset at its largest, on nodes big enough that capacity is not what limits it.
const prod = Testing.synth(new K3sProd(Testing.app(), 'prod', {
  version: KasmVersion.V1_19_0, hostname: 'kasm.example.com', nodes: [{ count: 4, cpu: '16', memory: '64Gi' }],
})) as Manifest[];

function workload(manifests: Manifest[], component: string): Manifest | undefined {
  return manifests.find((m) => WORKLOADS.includes(m.kind) && m.metadata.labels?.[COMPONENT_LABEL] === component);
}

function container(w: Manifest, which: ParityFact['container']): any {
  const containers: any[] = w.spec.template.spec.containers;
  return which === 'main' ? containers[0] : containers.slice(1).find((c) => /nginx/.test(c.name));
}

/** Every ConfigMap file the container mounts, one text. */
function mountedText(manifests: Manifest[], w: Manifest, c: any): string {
  const volumes: any[] = w.spec.template.spec.volumes ?? [];
  const names = new Set((c.volumeMounts ?? []).map((m: any) => m.name));
  const maps = volumes.filter((v) => names.has(v.name)).flatMap((v) => [v.configMap?.name, ...(v.projected?.sources ?? []).map((s: any) => s.configMap?.name)]);
  return manifests.filter((m) => m.kind === 'ConfigMap' && maps.includes(m.metadata.name)).flatMap((m) => Object.values(m.data ?? {}) as string[]).join('\n');
}

function probeText(p: any): string | undefined {
  if (!p) return undefined;
  if (p.httpGet) return `${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}:${p.httpGet.port}${p.httpGet.path}`;
  if (p.tcpSocket) return `tcp:${p.tcpSocket.port}`;
  const cmd: string[] = p.exec.command;
  return `exec:${cmd[1] === '-c' ? cmd[2] : cmd.join(' ')}`;
}

/** What the synthesized objects hold for a fact (undefined when absent). */
function observe(fact: ParityFact): string | undefined {
  const w = workload(dev, fact.component);
  if (!w) return undefined;
  const c = container(w, fact.container);
  if (fact.kind === 'workload') {
    if (fact.key === 'kind') return w.kind;
    const p = workload(prod, fact.component);
    const hpa = prod.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === p?.metadata.name);
    return p ? String(hpa?.spec.maxReplicas ?? p.spec.replicas) : undefined;
  }
  if (!c) return undefined;
  switch (fact.kind) {
    case 'image': return c.image;
    case 'port': return c.ports?.find((p: any) => String(p.containerPort) === fact.key)?.name;
    case 'probe': return probeText(fact.key === 'liveness' ? c.livenessProbe : c.readinessProbe);
    case 'script': return c.command?.join(' ');
    case 'route': {
      const loc = fact.key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return new RegExp(`location\\s+(=\\s*|\\^~\\s*)?${loc}\\s*\\{`).test(mountedText(dev, w, c)) ? 'present' : 'absent';
    }
    case 'setting': return mountedText(dev, w, c);
    case 'env': {
      const e = (c.env ?? []).find((v: any) => v.name === fact.key);
      if (!e) return undefined;
      return e.value ?? (e.valueFrom.secretKeyRef ? `secret:${e.valueFrom.secretKeyRef.key}` : `field:${e.valueFrom.fieldRef.fieldPath}`);
    }
  }
}

/** The component's own Service, for `{service}` in expected values. */
function serviceOf(component: string): string {
  return dev.find((m) => m.kind === 'Service' && m.metadata.labels?.[COMPONENT_LABEL] === component)?.metadata.name ?? '<no Service>';
}

function matches(fact: ParityFact, observed: string | undefined): boolean {
  if (observed === undefined) return false;
  if (fact.value === '*') return true;
  if (fact.value.startsWith('~')) return new RegExp(fact.value.slice(1), 'm').test(observed);
  return observed === fact.value.replace('{service}', serviceOf(fact.component));
}

const drift = PARITY_1_19_0.map((fact) => ({ fact, id: factId(fact), observed: observe(fact) })).filter((d) => !matches(d.fact, d.observed));
const known = new Map(KNOWN_DIFFERENCES.map((k) => [k.id, k]));
/** The observed value, short: for a file or a program, the line the fact is about. */
function show(fact: ParityFact, s: string | undefined): string {
  if (s === undefined) return 'absent';
  if (fact.kind === 'setting' || fact.kind === 'script') return s.split('\n').find((l) => l.trim().startsWith(fact.key.split(' ')[0])) ?? 'no such line';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

describe('Kasm 1.19.0 against the official chart (kasmtech/kasm-helm, charts/kasm-helm 1.1190.x)', () => {
  test('every fact the chart sets is what the constructs synthesize, except the known differences', () => {
    const unexpected = drift.filter((d) => !known.has(d.id)).map((d) => `${d.id}: chart ${d.fact.value} (${d.fact.source}), ours ${show(d.fact, d.observed)}`);
    expect(unexpected).toEqual([]);
  });

  test('every known difference still differs: a fix removes its line', () => {
    const differing = new Set(drift.map((d) => d.id));
    expect(KNOWN_DIFFERENCES.filter((k) => !differing.has(k.id)).map((k) => k.id)).toEqual([]);
  });

  test('every fact cites a chart file@commit, ids are unique, and every known difference names a fact, a row and a reason', () => {
    const ids = PARITY_1_19_0.map(factId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const fact of PARITY_1_19_0) expect(fact.source).toMatch(/^charts\/kasm-helm\/\S+@[0-9a-f]{7}$/);
    for (const k of KNOWN_DIFFERENCES) {
      expect(ids).toContain(k.id);
      expect(k.row).toMatch(/^(\d+|decision)$/);
      expect(k.reason.length).toBeGreaterThan(10);
    }
  });
});
