/**
 * The few spec keys whose plain value is not what the prop takes: sizes and durations as cdk8s objects, releases as
 * KasmVersion, and the sources and front doors that are built by a factory. The key tree (keys.ts) names these as a
 * key's `convert`; every other key's value is the prop's value as is.
 */
import { Duration, Size } from 'cdk8s';
import { ClusterProfile } from '../../lib/cluster/profile';
import { KasmVersion } from '../../lib/contract/version';
import { KasmUpgradeBackupOptions } from '../../lib/control-plane/upgrade';
import { KasmDatabaseBackupOptions } from '../../lib/database/backup';
import { BackendVerification } from '../../lib/ingress/ingress-route';
import { EgressRule } from '../../lib/security/egress';
import { NetworkPeer } from '../../lib/security/network-peer';
import { CredentialSource, TlsSource } from '../../lib/security/sources';
import type { FrontDoorChoice } from '../front-door';
import type { ValuesVariant } from './language';

/** A checked spec value: nested plain data. */
type Plain = { readonly [key: string]: any };

const UNITS = { Mi: Size.mebibytes, Gi: Size.gibibytes, Ti: Size.tebibytes } as const;
const DURATIONS = { s: Duration.seconds, m: Duration.minutes, h: Duration.hours, d: Duration.days } as const;

/** '10Gi' -> Size.gibibytes(10) (the spec's pattern admits whole Mi, Gi and Ti only). */
export const toSize = (v: string): Size => UNITS[v.slice(-2) as keyof typeof UNITS](Number(v.slice(0, -2)));

/** '30m' -> Duration.minutes(30) (the spec's pattern admits whole s, m, h and d only). */
export const toDuration = (v: string): Duration => DURATIONS[v.slice(-1) as keyof typeof DURATIONS](Number(v.slice(0, -1)));

/** A release name -> its contract. */
export const toVersion = (v: string): KasmVersion => KasmVersion.of(v);

/** The release an upgrade starts from, said about `upgradeFrom`. */
export const toUpgradeFrom = (v: string): KasmVersion => KasmVersion.of(v, 'KasmControlPlane', 'upgradeFrom');

/** `upgradeBackup: { size, className }` -> the control plane's dump volume options. */
export const toUpgradeBackup = (v: Plain): KasmUpgradeBackupOptions => ({
  storage: v.size === undefined ? undefined : toSize(v.size),
  storageClassName: v.className,
});

/** `cluster:` over the variant's distribution, whose StorageClass default is the variant's own. */
export function toCluster(defaultStorageClass: (variant: ValuesVariant) => string) {
  return (v: Plain, variant: ValuesVariant): ClusterProfile => {
    const overrides = { defaultStorageClass: defaultStorageClass(variant), ...v };
    return variant === 'rke2-cnpg' ? ClusterProfile.rke2(overrides) : ClusterProfile.k3s(overrides);
  };
}

/** `network.egress` rules -> EgressRules with their peers. */
export const toEgress = (rules: readonly Plain[]): EgressRule[] => rules.map((r) => ({
  from: r.from,
  to: r.to.cidrs !== undefined ? NetworkPeer.cidrs(r.to.cidrs, r.to.except ?? []) : NetworkPeer.pods(r.to.namespace, r.to.podLabels),
  ports: r.ports,
  protocol: r.protocol,
  purpose: r.purpose,
}));

/** `secrets.credentials` -> the credentials Secret's source. */
export function toCredentials(v: Plain): CredentialSource | undefined {
  switch (v.source) {
    case 'existing': return CredentialSource.existing();
    case 'externalSecrets': {
      const o = v.externalSecrets;
      return CredentialSource.externalSecrets({ ...o, refreshInterval: o.refreshInterval === undefined ? undefined : toDuration(o.refreshInterval) });
    }
    case 'sealedSecrets': return CredentialSource.sealedSecrets(v.sealedSecrets);
    case 'generated': return CredentialSource.generated();
    default: return undefined;
  }
}

/** `secrets.tls` -> the internal certificates' source. */
export function toTls(v: Plain): TlsSource | undefined {
  switch (v.source) {
    case 'existing': return TlsSource.existing();
    case 'certManager': {
      const o = v.certManager;
      return TlsSource.certManager({
        ...o,
        duration: o.duration === undefined ? undefined : toDuration(o.duration),
        renewBefore: o.renewBefore === undefined ? undefined : toDuration(o.renewBefore),
      });
    }
    case 'generated': return TlsSource.generated();
    default: return undefined;
  }
}

/** `ingress.backend` -> how Traefik checks the proxy's certificate. */
export function toBackendVerification(v: Plain): BackendVerification | undefined {
  if (v.skipVerifyReason !== undefined) return BackendVerification.skipVerifyAcknowledgingRisk(v.skipVerifyReason);
  return v.caSecretName !== undefined ? BackendVerification.verify(v.caSecretName) : undefined;
}

/** `frontDoor` -> the variant's Traefik door or a Gateway API one. */
export function toFrontDoor(v: Plain): FrontDoorChoice {
  if (v.kind !== 'gateway') return { kind: 'ingress' };
  const g = v.gateway;
  return {
    kind: 'gateway',
    gateway: {
      implementation: g.implementation,
      parentRefs: g.parentRefs,
      create: g.create,
      backendCa: g.backendCa,
      gatewayPods: g.gatewayPods === undefined ? undefined : NetworkPeer.pods(g.gatewayPods.namespace, g.gatewayPods.podLabels, 'gateway'),
    },
  };
}

/**
 * `backup:` on a K3s variant -> KasmDatabase's dump CronJob; undefined when `enabled: false` (k3s-prod's chart always
 * backs up; in k3s-dev giving `backup:` turns backups on unless it says `enabled: false`).
 */
export function toK3sBackup(v: Plain): KasmDatabaseBackupOptions | undefined {
  if (v.enabled === false) return undefined;
  return {
    schedule: v.schedule,
    retention: v.retention,
    storage: v.storage?.size === undefined ? undefined : toSize(v.storage.size),
    storageClassName: v.storage?.className,
  };
}
