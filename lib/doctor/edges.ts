/**
 * The synth-time doctor: walks every edge of the dependency graph over the synthesized objects and reports the
 * ones that would leave a pod waiting at runtime (no Service of that name, no such port, a selector that matches
 * no pod, a pod that does not declare the port), plus every upstream the proxy's nginx refers to.
 */
import { Chart } from 'cdk8s';
import { Finding } from '../core/findings';
import { ComponentId, ExternalPeer } from '../contract/types';
import type { KasmControlPlane } from '../control-plane/control-plane';
import { ProxyConfigFiles, proxyTargets } from '../control-plane/proxy-config';
import { manifestsOf } from '../core/validation-memo';

interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: any;
  readonly data?: Record<string, string>;
}

/** A pod template as the Service check reads it. */
interface PodTemplate {
  readonly owner: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly ports: number[];
}

/** Pod templates of the workload kinds the constructs emit. */
function podTemplates(objects: Manifest[]): PodTemplate[] {
  const out = [];
  for (const o of objects) {
    const template = o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job' ? o.spec?.template
      : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : undefined;
    if (!template) continue;
    const ports = (template.spec?.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort as number));
    out.push({ owner: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace, labels: template.metadata?.labels ?? {}, ports });
  }
  return out;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * Check that a Service `name` in `namespace` publishes `port` and routes it to a pod that declares it.
 * Returns a problem description, or `undefined` when the path resolves. `templates` are the pod templates of
 * `objects`, for a caller that checks many paths over the same objects.
 */
export function checkServicePath(objects: Manifest[], namespace: string, name: string, port: number,
  templates: readonly PodTemplate[] = podTemplates(objects)): string | undefined {
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && (o.metadata.namespace ?? namespace) === namespace);
  if (!svc) return `no Service '${name}' in namespace '${namespace}' (the name is fixed by Kasm's images)`;
  const sp = (svc.spec?.ports ?? []).find((p: any) => p.port === port);
  if (!sp) return `Service '${name}' does not publish port ${port}`;
  const target = typeof sp.targetPort === 'number' ? sp.targetPort : port;
  const selector = svc.spec?.selector ?? {};
  const pods = templates.filter((p) => (p.namespace ?? namespace) === namespace && matches(selector, p.labels));
  if (pods.length === 0) return `Service '${name}' selects no pod (selector ${JSON.stringify(selector)})`;
  if (!pods.some((p) => p.ports.includes(target))) {
    return `no pod behind Service '${name}' declares container port ${target} (${pods.map((p) => p.owner).join(', ')})`;
  }
  return undefined;
}

/** The doctor's findings for one control plane; empty when every edge resolves. */
export function checkControlPlane(cp: KasmControlPlane): Finding[] {
  const objects = manifestsOf(Chart.of(cp)).map((o) => o.manifest as Manifest);
  const templates = podTemplates(objects);
  const problems: string[] = [];
  for (const { edge, zone } of cp.edges) {
    if (Object.values(ExternalPeer).includes(edge.to as ExternalPeer)) continue;
    let name: string;
    let namespace = cp.namespace;
    if (edge.to === ComponentId.DB) {
      if (!cp.database.podSelector) continue; // an external database: nothing in this app to check
      name = cp.database.host;
      namespace = cp.database.namespace;
    } else {
      name = cp.serviceNameOf(edge.to as ComponentId, zone);
    }
    const problem = checkServicePath(objects, namespace, name, edge.port, templates);
    if (problem) problems.push(`${edge.from} -> ${edge.to}:${edge.port} (${edge.purpose})${zone ? ` in zone ${zone}` : ''}: ${problem}`);
  }
  const configs = objects.filter((o) => o.kind === 'ConfigMap' && (o.metadata.name === `${cp.name}-proxy-config`
    || cp.zones.slice(1).some((z) => o.metadata.name === `${cp.name}-proxy-${z.slug}-config`)));
  for (const proxyConfig of configs) {
    if (!proxyConfig.data) continue;
    for (const { host, port } of proxyTargets(proxyConfig.data as unknown as ProxyConfigFiles)) {
      const problem = checkServicePath(objects, cp.namespace, host, port, templates);
      if (problem) problems.push(`proxy nginx upstream ${host}:${port}: ${problem}`);
    }
  }
  return [...new Set(problems)].map((message) => ({ rule: 'doctor:edge', object: cp.node.path, message }));
}
