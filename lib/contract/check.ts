/**
 * The rules a contract entry must keep, because everything downstream trusts it blindly: pinned images, IANA port
 * names, edges that land on declared ports, sizing for every preset, routes with owners. The shipped releases are
 * held to them in tests; `KasmVersion.fromContract` holds a caller's entry to them at synth time.
 */
import {
  ComponentContract, ComponentId, DerivedValue, ExternalPeer, KasmContract, ScalingMode, SizePreset,
} from './types';
import { podContainers, podPorts } from './pod';

const PINNED_TAG = /^[0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$/;
const FLOATING_TAG = /latest|develop|rolling/;
const IANA_SVC_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE = /^[0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$/;
/** Components that are Jobs of the control plane or the database, not entries of `components`. */
const JOB_ENDS: readonly ComponentId[] = [ComponentId.DB_INIT, ComponentId.DB_BACKUP, ComponentId.DB_UPGRADE];

const REQUIRED_KEYS = [
  'components', 'database', 'dbInit', 'proxy', 'edges', 'secretKeys', 'tlsRoles', 'sizing', 'proxyWorkers', 'waitImages', 'optionalComponents',
] as const;



/** Every rule the entry breaks, one line each; empty when the entry is sound. */
export function contractProblems(contract: KasmContract): string[] {
  const problems: string[] = [];
  const at = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const missing = REQUIRED_KEYS.filter((key) => typeof (contract as unknown as Record<string, unknown>)[key] !== 'object' || contract[key] === null);
  if (missing.length > 0) return missing.map((key) => `${key}: is missing; a contract entry has ${REQUIRED_KEYS.join(', ')} (see KasmContract)`);
  if (typeof contract.version !== 'string' || !RELEASE.test(contract.version)) {
    at('version', `${JSON.stringify(contract.version)} is not a release number like '1.19.0'`);
  }
  const components = Object.entries(contract.components) as [ComponentId, ComponentContract][];
  const knownIds = new Set<string>(Object.values(ComponentId));
  const images: [string, { repository: string; tag: string }][] = [['dbInit.image', contract.dbInit.image],
    ...Object.entries(contract.waitImages).map(([check, image]): [string, { repository: string; tag: string }] => [`waitImages.${check}`, image!])];

  for (const [id, c] of components) {
    const where = `components.${id}`;
    if (!knownIds.has(id) || c.id !== id) at(where, `the key and the entry's id (${JSON.stringify(c.id)}) must be the same ComponentId`);
    const containers = podContainers(c);
    const names = new Set<string>();
    const portNames = new Set<string>();
    const portNumbers = new Set<number>();
    for (const container of containers) {
      const cw = container.name === c.workloadName ? where : `${where}.sidecars[${container.name}]`;
      if (!DNS_LABEL.test(container.name) || container.name.length > 63) at(cw, `container name ${JSON.stringify(container.name)} is not a DNS label`);
      if (names.has(container.name)) at(cw, `container name ${JSON.stringify(container.name)} appears twice in the pod`);
      names.add(container.name);
      images.push([`${cw}.image`, container.image]);
      for (const p of container.ports) {
        if (p.name.length > 15 || !IANA_SVC_NAME.test(p.name)) at(`${cw}.ports`, `${JSON.stringify(p.name)} is not an IANA_SVC_NAME (15 characters, lowercase, no leading digit)`);
        if (portNames.has(p.name)) at(`${cw}.ports`, `port name ${JSON.stringify(p.name)} appears twice in the pod`);
        if (portNumbers.has(p.port)) at(`${cw}.ports`, `port ${p.port} appears twice in the pod`);
        portNames.add(p.name);
        portNumbers.add(p.port);
      }
      const envNames = container.env.map((e) => e.name);
      for (const dup of envNames.filter((n, i) => envNames.indexOf(n) !== i)) at(`${cw}.env`, `${dup} is set twice`);
      for (const e of container.env) {
        if (e.source.kind !== 'template') continue;
        for (const [, key] of e.source.template.matchAll(/\$\{([A-Za-z]+)\}/g)) {
          if (!(Object.values(DerivedValue) as string[]).includes(key)) {
            at(`${cw}.env.${e.name}`, `\${${key}} is not a derived value; accepted: ${Object.values(DerivedValue).join(', ')}`);
          }
        }
      }
    }
    const fileNames = new Set<string>();
    for (const f of c.configFiles ?? []) {
      const name = f.path.split('/').pop() ?? '';
      if (!f.path.startsWith('/') || name === '' || !/^[-._a-zA-Z0-9]+$/.test(name)) at(`${where}.configFiles`, `${JSON.stringify(f.path)} is not an absolute file path whose name is a ConfigMap key`);
      if (fileNames.has(name)) at(`${where}.configFiles`, `two files are named ${JSON.stringify(name)}; they share one ConfigMap`);
      fileNames.add(name);
    }
    for (const preset of Object.values(SizePreset)) {
      const s = contract.sizing[preset]?.[id];
      if (!s) at(`sizing.${preset}.${id}`, 'is missing: every component needs sizing in every preset');
      else if (c.scaling === ScalingMode.FIXED && s.replicas !== 1) at(`sizing.${preset}.${id}`, `has ${s.replicas} replicas; a fixed-size component runs exactly 1`);
    }
  }
  for (const [where, image] of images) {
    if (!PINNED_TAG.test(image.tag) || FLOATING_TAG.test(image.tag)) at(where, `${image.repository}:${image.tag} is not pinned to an exact release tag`);
  }

  const isExternal = (end: string) => (Object.values(ExternalPeer) as string[]).includes(end);
  for (const [i, e] of contract.edges.entries()) {
    const where = `edges[${i}] ${e.from} -> ${e.to}:${e.port}`;
    for (const end of [e.from, e.to]) {
      if (!isExternal(end) && !JOB_ENDS.includes(end as ComponentId) && !contract.components[end as ComponentId]) at(where, `${end} is not a component of this entry`);
    }
    const target = contract.components[e.to as ComponentId];
    if (target && !podPorts(target).some((p) => p.port === e.port)) at(where, `${e.to} declares no port ${e.port}`);
    if (e.waitFor && !contract.waitImages[e.waitFor]) at(where, `waits for ${e.waitFor} but waitImages has no image for it`);
  }
  for (const r of contract.proxy.routes) {
    const owner = contract.proxy.routeOwners[r.location];
    if (!owner) at(`proxy.routes ${r.location}`, 'has no owner in routeOwners');
    else if (!contract.components[owner]) at(`proxy.routes ${r.location}`, `is owned by ${owner}, which is not a component of this entry`);
  }
  for (const u of contract.proxy.upstreams) {
    if (!contract.components[u.component]) at(`proxy.upstreams ${u.name}`, `points at ${u.component}, which is not a component of this entry`);
  }
  for (const [role, ids] of Object.entries(contract.tlsRoles)) {
    for (const id of ids ?? []) if (!contract.components[id]) at(`tlsRoles.${role}`, `names ${id}, which is not a component of this entry`);
  }
  return problems;
}
