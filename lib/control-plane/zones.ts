/**
 * Kasm zones (private to the control plane): the zones a deployment serves, checked, and each zone's view of the
 * contract. A zone gets its own instance of every per-zone component (1.19: api, manager, proxy) under the names Kasm
 * derives (`kasm-proxy-<zone>`), wired to its own instances, while the database and the gateways stay shared.
 */
import { ComponentId, DependencyEdge, ExternalPeer, KasmContract } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { assertArray, assertPlainObject, assertZoneName, fail, show } from '../core/validation';
import { selectorLabels } from '../core/metadata';
import { resolveEdges } from './graph';
import { ResolvedEdge } from './interface';
import { checkUpstreamAuth, UpstreamAuth } from './upstream-auth';

/** One zone of a deployment. */
export interface KasmZone {
  /** Zone name as Kasm shows it; the first zone is the one Kasm seeds, `default`. */
  readonly name: string;
  /**
   * Where this zone's agents reach Kasm (an https URL).
   * @default - the zone proxy Service's FQDN on 8443 (the first zone: the control plane's `upstreamAuthAddress`)
   */
  readonly upstreamAuthAddress?: string;
}

/** A zone as the constructs use it. */
export interface ResolvedZone {
  readonly name: string;
  /** The name in object names: lower case, each run of other characters one '-' (the chart's rule). */
  readonly slug: string;
  readonly upstreamAuth: UpstreamAuth;
}

/** Kasm's object-name form of a zone name. */
export function zoneSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Components the release runs once per zone. */
export function perZoneComponents(contract: KasmContract): ComponentId[] {
  return (Object.values(contract.components)).filter((c) => c!.zoneServiceName !== undefined).map((c) => c!.id);
}

/**
 * The zones, checked: unique names and slugs, the seeded `default` first, addresses that are URLs and differ, and a
 * release that runs components per zone and lets db-init seed zones (1.19.0).
 */
export function checkZones(owner: string, prop: string, zones: readonly KasmZone[] | undefined, version: KasmVersion,
  first: ResolvedZone, extraDefault: (slug: string) => string): ResolvedZone[] {
  if (zones === undefined) return [first];
  assertArray(owner, prop, zones);
  if (zones.length === 0) fail(owner, prop, zones, 'is empty; leave it unset for the single zone \'default\', or list the zones starting with \'default\'');
  zones.forEach((z, i) => {
    assertPlainObject(owner, `${prop}[${i}]`, z, true);
    assertZoneName(owner, `${prop}[${i}].name`, z.name);
  });
  if (zones[0].name !== first.name) {
    fail(owner, `${prop}[0].name`, zones[0].name, `is not ${show(first.name)}: the first zone is the one Kasm's seed creates and zoneName names; list it first`);
  }
  const slugs = new Map<string, string>();
  zones.forEach((z, i) => {
    const slug = zoneSlug(z.name);
    if (slugs.has(slug)) fail(owner, `${prop}[${i}].name`, z.name, `names the same zone as ${show(slugs.get(slug))} (both become ${show(slug)} in object names); zone names must differ`);
    slugs.set(slug, z.name);
  });
  if (zones.length > 1 && (perZoneComponents(version.contract).length === 0 || version.contract.seedsZoneSettings !== true)) {
    fail(owner, prop, zones.map((z) => z.name), [`lists ${zones.length} zones, but Kasm ${version.version} gives no way to deploy and seed more than one `
      + '(its chart names its components for the zone \'default\' only); use ', { typescript: 'KasmVersion.V1_19_0', values: 'version: \'1.19.0\'' }, ', or keep one zone']);
  }
  const resolved = zones.map((z, i): ResolvedZone => {
    if (i === 0) {
      if (z.upstreamAuthAddress !== undefined) fail(owner, `${prop}[0].upstreamAuthAddress`, z.upstreamAuthAddress, 'is set on the first zone; set the control plane\'s upstreamAuthAddress instead');
      return first;
    }
    const slug = zoneSlug(z.name);
    return { name: z.name, slug, upstreamAuth: checkUpstreamAuth(owner, `${prop}[${i}].upstreamAuthAddress`, z.upstreamAuthAddress ?? extraDefault(slug)) };
  });
  const seen = new Map<string, string>();
  for (const [i, z] of resolved.entries()) {
    const other = seen.get(z.upstreamAuth.address);
    if (other !== undefined) fail(owner, `${prop}[${i}].upstreamAuthAddress`, z.upstreamAuth.url, `is zone ${show(other)}'s address too; each zone's agents need their own`);
    seen.set(z.upstreamAuth.address, z.name);
  }
  return resolved;
}

/** One zone as the control plane builds it: the zone, its view of the contract, and what its own objects carry. */
export interface ZoneView {
  readonly zone: ResolvedZone;
  /** The release's contract for the first zone; for the others, their per-zone components under their names. */
  readonly contract: KasmContract;
  /** The slug a further zone's edges carry; `undefined` for the first zone, whose objects keep the release's names. */
  readonly tag?: string;
  /** Appended to the names of the zone's own objects: '' for the first zone, `-<slug>` for the others. */
  readonly suffix: string;
}

/** Every zone's view, the first zone first. */
export function zoneViews(contract: KasmContract, zones: readonly ResolvedZone[]): ZoneView[] {
  return zones.map((zone, i) => (i === 0 ? { zone, contract, suffix: '' }
    : { zone, contract: zoneContract(contract, zone), tag: zone.slug, suffix: `-${zone.slug}` }));
}

/** The contract as one extra zone sees it: its per-zone components under the zone's names. */
export function zoneContract(contract: KasmContract, zone: ResolvedZone): KasmContract {
  const components = Object.fromEntries(Object.entries(contract.components).map(([id, c]) => [id, c!.zoneServiceName === undefined ? c : {
    ...c!, serviceName: c!.zoneServiceName.replace('{zone}', zone.slug), workloadName: `${c!.workloadName}-${zone.slug}`,
  }]));
  return { ...contract, components };
}

/**
 * The edges an extra zone adds: every edge a per-zone component opens (to its own zone's instances, the shared
 * database and gateways, the agents), and the zone's agents checking in with its proxy. Shared components and the
 * front door keep calling the first zone only.
 */
export function zoneEdges(contract: KasmContract): DependencyEdge[] {
  const perZone = new Set(perZoneComponents(contract));
  return contract.edges.filter((e) => perZone.has(e.from as ComponentId) || (e.from === ExternalPeer.AGENTS && perZone.has(e.to as ComponentId)));
}

/**
 * Every zone's edges with both ends deployed: the release's edges for the first zone, each further zone's own edges
 * (tagged with its slug) with its per-zone components resolved to their own pods.
 */
export function resolveZonedEdges(contract: KasmContract, views: readonly ZoneView[], instance: string,
  selectorOf: (id: ComponentId) => Record<string, string>, deployed: (id: ComponentId) => boolean): ResolvedEdge[] {
  const edges = resolveEdges(contract, selectorOf, deployed);
  for (const { contract: zoned, tag } of views.slice(1)) {
    const selector = (id: ComponentId) => (zoned.components[id]?.zoneServiceName !== undefined ? selectorLabels(instance, zoned.components[id]!.workloadName) : selectorOf(id));
    edges.push(...resolveEdges({ ...zoned, edges: zoneEdges(zoned) }, selector, deployed).map((e) => ({ ...e, zone: tag })));
  }
  return edges;
}
