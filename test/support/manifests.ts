/** Helpers to synthesize charts and look objects up in the result. */
import { Chart, Testing } from 'cdk8s';
import { K3sDev, K3sDevProps } from '../../charts/k3s-dev';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** Synthesize the K3s-dev variant with the given props. */
export function synthK3sDev(props: K3sDevProps = {}): Manifest[] {
  const chart = new K3sDev(Testing.app(), 'test', props);
  return Testing.synth(chart) as Manifest[];
}

/** Synthesize any chart. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one object of a kind and name; fails the test when missing. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}/${name}, found ${found.length}; have: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every object of a kind. */
export function all(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The pod spec of a workload object. */
export function podSpec(m: Manifest): any {
  return m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec;
}

/** The env of a container as a name -> value-or-secret-ref map. */
export function envOf(container: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of container.env ?? []) {
    out[e.name] = e.value ?? (e.valueFrom.fieldRef
      ? `field:${e.valueFrom.fieldRef.fieldPath}`
      : `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
  }
  return out;
}
