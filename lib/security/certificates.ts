/**
 * The TLS certificates a control plane needs (proxy, RDP gateways, database, the front door) with their names,
 * and cert-manager `Certificate`s for them when cert-manager is the source.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyEncoding, CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
} from '../../imports/certmanager-certificate-cert-manager.io';
import { ComponentId, TlsRole, WorkloadKind } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { runtimeLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { IKasmFrontDoor } from '../ingress/interface';
import { CertManagerIssuerKind, CertManagerOptions } from './sources';

/** One TLS Secret to fill: its role, name, common name and DNS names. */
export interface PlannedCertificate {
  readonly role: TlsRole | 'ingress';
  readonly secretName: string;
  readonly commonName: string;
  readonly dnsNames: string[];
}

/** Each TLS Secret the control plane mounts or the front door serves. */
export function certificatePlan(cp: IKasmControlPlane, clusterDomain: string, frontDoor?: IKasmFrontDoor): PlannedCertificate[] {
  const ns = cp.namespace;
  const names = (service: string) => [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.${clusterDomain}`];
  const plan: PlannedCertificate[] = [];
  for (const role of Object.values(TlsRole)) {
    // An external database (no TLS Secret of ours) brings its own certificate.
    const components = (cp.version.contract.tlsRoles[role] ?? [])
      .filter((c) => (c === ComponentId.DB ? cp.database.tlsSecretName !== undefined : cp.components.includes(c)));
    if (components.length === 0) continue;
    const services = components.flatMap((c) => (c === ComponentId.DB ? [cp.database.host] : cp.serviceNamesOf?.(c) ?? [cp.contractOf(c).serviceName]));
    const dnsNames = services.flatMap(names);
    // A StatefulSet's pods are reached by their own names under its headless Service (`<pod>.<service>.<ns>.svc`).
    for (const c of components.filter((id) => id !== ComponentId.DB && cp.contractOf(id).workloadKind === WorkloadKind.STATEFUL_SET)) {
      const service = cp.contractOf(c).serviceName;
      dnsNames.push(`*.${service}.${ns}.svc`, `*.${service}.${ns}.svc.${clusterDomain}`);
    }
    // Agents may reach the proxy's TLS listener under the public host names.
    if (role === TlsRole.PROXY && frontDoor) dnsNames.push(...frontDoor.hostnames);
    const secretName = role === TlsRole.DB ? cp.database.tlsSecretName ?? cp.secrets.tlsSecretName(role) : cp.secrets.tlsSecretName(role);
    plan.push({ role, secretName, commonName: shortCommonName(dnsNames, secretName), dnsNames: [...new Set(dnsNames)] });
  }
  if (frontDoor) {
    plan.push({ role: 'ingress', secretName: frontDoor.tlsSecretName, commonName: shortCommonName(frontDoor.hostnames, frontDoor.tlsSecretName), dnsNames: [...frontDoor.hostnames] });
  }
  return plan;
}

/**
 * A common name X.509 accepts (at most 64 characters): the first DNS name that fits, else the Secret's name. Clients
 * verify the SANs, which always carry every name; a longer host name as CN would make the generator (and
 * cert-manager) fail to issue at all.
 */
export function shortCommonName(dnsNames: readonly string[], secretName: string): string {
  return dnsNames.find((n) => n.length <= 64) ?? secretName.slice(0, 64);
}

/** A cert-manager Certificate that fills one planned Secret. */
export function addCertManagerCertificate(scope: Construct, c: PlannedCertificate, o: CertManagerOptions, namespace: string, labels: Record<string, string>): void {
  new Certificate(scope, `Certificate-${c.role}`, {
    metadata: { name: c.secretName, namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) },
    spec: {
      secretName: c.secretName,
      // A public ACME issuer rejects a common name that is not also a SAN: leave it out when no name fits 64 characters.
      ...(c.dnsNames.includes(c.commonName) ? { commonName: c.commonName } : {}),
      dnsNames: c.dnsNames,
      issuerRef: { name: o.issuerName, kind: o.issuerKind ?? CertManagerIssuerKind.ISSUER, group: 'cert-manager.io' },
      duration: `${(o.duration ?? Duration.days(90)).toHours({ integral: false })}h`,
      renewBefore: `${(o.renewBefore ?? Duration.days(30)).toHours({ integral: false })}h`,
      // PKCS#1 RSA: the format PostgreSQL, nginx and rdpproxy all read.
      privateKey: {
        algorithm: CertificateSpecPrivateKeyAlgorithm.RSA,
        size: 2048,
        encoding: CertificateSpecPrivateKeyEncoding.PKCS1,
        rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
      },
      usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH, CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT],
      // cert-manager creates the Secret at runtime: no tracking label, or label-tracking GitOps would prune it.
      secretTemplate: { labels: runtimeLabels(labels) },
    },
  });
}
