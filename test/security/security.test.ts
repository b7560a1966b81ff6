/** KasmSecurity: props -> manifest rules for each secret and TLS source. */
import { Duration, Testing } from 'cdk8s';
import {
  CertManagerIssuerKind, CredentialSource, ExternalSecretStoreKind, KasmControlPlane, KasmDatabase, KasmIngress, KasmSecurity,
  KasmSecurityProps, KasmVersion, NetworkPeer, SealedSecretScope, TlsSource,
} from '../../lib';
import { all, find, Manifest, podSpec, synth } from '../support/manifests';
import { validateManifests } from '../../lib/doctor/schema-validator';

function build(props: Partial<Omit<KasmSecurityProps, 'controlPlane'>> = {}, version = KasmVersion.V1_18_1, withIngress = true): Manifest[] {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db', { version });
  const controlPlane = new KasmControlPlane(chart, 'cp', { database });
  const ingress = withIngress ? new KasmIngress(chart, 'ingress', { controlPlane, hostname: 'kasm.example.com' }) : undefined;
  new KasmSecurity(chart, 'security', { controlPlane, frontDoor: ingress, ...props });
  return synth(chart);
}

const SEALED = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq' + 'x'.repeat(40);
const sealedFor = (version: KasmVersion) => Object.fromEntries(version.contract.secretKeys.map((k) => [k, SEALED]));
const generatorJob = (m: Manifest[]) => all(m, 'Job').find((j) => j.metadata.name.includes('secret-generator'));
const plan = (m: Manifest[]) => JSON.parse(find(m, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);

describe('KasmSecurity secrets', () => {
  test('by default a Job generates the credentials, an internal CA and every certificate', () => {
    const m = build();
    const p = plan(m);
    expect(p.credentials).toEqual({ secretName: 'kasm-secrets', keys: ['admin-password', 'user-password', 'db-password', 'manager-token', 'service-token'] });
    expect(p.ca).toEqual({ secretName: 'kasm-internal-ca', commonName: 'kasm-internal-ca', validityDays: 3650 });
    expect(p.certificates.map((c: any) => c.secretName)).toEqual(['kasm-proxy-tls', 'kasm-rdp-tls', 'kasm-db-tls', 'kasm-ingress-tls']);
    expect(all(m, 'Secret')).toEqual([]);
  });

  test('certificates carry the Service names the clients use, and the ingress host names', () => {
    const certs = Object.fromEntries(plan(build()).certificates.map((c: any) => [c.secretName, c.dnsNames]));
    expect(certs['kasm-db-tls']).toEqual(['kasm-db', 'kasm-db.kasm', 'kasm-db.kasm.svc', 'kasm-db.kasm.svc.cluster.local']);
    expect(certs['kasm-rdp-tls']).toEqual(expect.arrayContaining(['kasm-rdp-gateway', 'kasm-rdp-https-gateway.kasm.svc.cluster.local']));
    expect(certs['kasm-proxy-tls']).toEqual(expect.arrayContaining(['kasm-proxy-default', 'kasm.example.com']));
    expect(certs['kasm-ingress-tls']).toEqual(['kasm.example.com']);
    expect(plan(build({}, KasmVersion.V1_16_0)).certificates.find((c: any) => c.secretName === 'kasm-db-tls').dnsNames[0]).toBe('db');
  });

  test('1.16 also generates the redis password', () => {
    expect(plan(build({}, KasmVersion.V1_16_0)).credentials.keys).toContain('redis-password');
  });

  test('the generator may only create Secrets, read the named ones, and patch only what it completes (never the CA)', () => {
    const role = find(build(), 'Role', 'kasm-secret-generator');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''], resources: ['secrets'], verbs: ['get'],
        resourceNames: ['kasm-secrets', 'kasm-proxy-tls', 'kasm-rdp-tls', 'kasm-db-tls', 'kasm-ingress-tls', 'kasm-internal-ca'],
      },
      {
        apiGroups: [''], resources: ['secrets'], verbs: ['patch'],
        resourceNames: ['kasm-secrets', 'kasm-proxy-tls', 'kasm-rdp-tls', 'kasm-db-tls', 'kasm-ingress-tls'],
      },
    ]);
    const binding = find(build(), 'RoleBinding', 'kasm-secret-generator');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kasm-secret-generator', namespace: 'kasm' }]);
  });

  test('the generator Job runs the pinned Node image, hardened, before everything that reads the Secrets', () => {
    const m = build();
    const job = generatorJob(m)!;
    const spec = podSpec(job);
    expect(spec.containers[0].image).toBe('node:24.21.0-alpine');
    expect(spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(spec.automountServiceAccountToken).toBe(true);
    const wave = (o: Manifest) => Number(o.metadata.annotations!['argocd.argoproj.io/sync-wave']);
    expect(wave(job)).toBeLessThan(wave(find(m, 'StatefulSet', 'kasm-db')));
    expect(wave(job)).toBeLessThan(Math.min(...all(m, 'Deployment').map(wave)));
    expect(find(m, 'ConfigMap', 'kasm-secret-generator').data['secret-generator.js']).toContain('is never overwritten');
  });

  test('existing Secrets: no generator, nothing but references', () => {
    const m = build({ credentials: CredentialSource.existing(), tls: TlsSource.existing() });
    expect(generatorJob(m)).toBeUndefined();
    expect(all(m, 'Role')).toEqual([]);
  });

  test('External Secrets: an ExternalSecret maps every contract key from the store', () => {
    const m = build({
      credentials: CredentialSource.externalSecrets({
        storeName: 'vault', storeKind: ExternalSecretStoreKind.CLUSTER_SECRET_STORE, remoteKey: 'kasm/prod',
        remoteProperties: { 'db-password': 'postgres_password' }, refreshInterval: Duration.minutes(15),
      }),
    });
    const es = find(m, 'ExternalSecret', 'kasm-secrets');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(es.spec.refreshInterval).toBe('900s');
    expect(es.spec.target).toEqual({ name: 'kasm-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(es.spec.data).toContainEqual({ secretKey: 'db-password', remoteRef: { key: 'kasm/prod', property: 'postgres_password' } });
    expect(es.spec.data).toContainEqual({ secretKey: 'service-token', remoteRef: { key: 'kasm/prod', property: 'service-token' } });
    expect(plan(m).credentials).toBeNull();
  });

  test('Sealed Secrets: a SealedSecret with the ciphertext and the scope annotation', () => {
    const m = build({ credentials: CredentialSource.sealedSecrets({ encryptedData: sealedFor(KasmVersion.V1_18_1), scope: SealedSecretScope.NAMESPACE_WIDE }) });
    const ss = find(m, 'SealedSecret', 'kasm-secrets');
    expect(Object.keys(ss.spec.encryptedData).sort()).toEqual([...KasmVersion.V1_18_1.contract.secretKeys].sort());
    expect(ss.metadata.annotations!['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
    expect(ss.spec.template).toMatchObject({ type: 'Opaque', metadata: { name: 'kasm-secrets', namespace: 'kasm' } });
  });

  test('cert-manager: one Certificate per TLS Secret, with the issuer and PKCS#1 keys', () => {
    const m = build({ tls: TlsSource.certManager({ issuerName: 'kasm-ca', issuerKind: CertManagerIssuerKind.CLUSTER_ISSUER }) });
    const certs = all(m, 'Certificate');
    expect(certs.map((c) => c.spec.secretName)).toEqual(['kasm-proxy-tls', 'kasm-rdp-tls', 'kasm-db-tls', 'kasm-ingress-tls']);
    expect(certs[2].spec).toMatchObject({
      commonName: 'kasm-db', issuerRef: { name: 'kasm-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      duration: '2160h', renewBefore: '720h', privateKey: { algorithm: 'RSA', encoding: 'PKCS1', size: 2048 },
    });
    // Credentials are still generated; certificates are not.
    expect(plan(m).ca).toBeNull();
    expect(plan(m).certificates).toEqual([]);
  });

  test('the ingress certificate can come from a different source (e.g. a public ACME issuer)', () => {
    const m = build({ ingressTls: TlsSource.certManager({ issuerName: 'letsencrypt', issuerKind: CertManagerIssuerKind.CLUSTER_ISSUER }) });
    expect(all(m, 'Certificate').map((c) => c.spec.secretName)).toEqual(['kasm-ingress-tls']);
    expect(plan(m).certificates.map((c: any) => c.secretName)).toEqual(['kasm-proxy-tls', 'kasm-rdp-tls', 'kasm-db-tls']);
  });
});

describe('KasmSecurity objects pass strict schema validation (Kubernetes 1.27 and the CRDs)', () => {
  const sources: [string, Partial<Omit<KasmSecurityProps, 'controlPlane'>>][] = [
    ['generated', {}],
    ['External Secrets', { credentials: CredentialSource.externalSecrets({ storeName: 'vault', remoteKey: 'kasm' }) }],
    ['Sealed Secrets', { credentials: CredentialSource.sealedSecrets({ encryptedData: sealedFor(KasmVersion.V1_18_1), scope: SealedSecretScope.CLUSTER_WIDE }) }],
    ['cert-manager', { tls: TlsSource.certManager({ issuerName: 'kasm-ca' }), agentCidrs: ['192.168.0.0/16'] }],
  ];
  test.each(sources)('%s', (_name, props) => {
    expect(validateManifests(build(props))).toEqual([]);
  });
});

describe('KasmSecurity network policies', () => {
  test('one default deny, then per component an egress and an ingress policy named after it', () => {
    const names = all(build(), 'NetworkPolicy').map((p) => p.metadata.name).sort();
    expect(names).toContain('kasm-default-deny');
    expect(names).toEqual(expect.arrayContaining(['kasm-api-egress', 'kasm-api-ingress', 'kasm-db-ingress', 'kasm-all-pods-egress', 'kasm-proxy-ingress']));
    expect(names).not.toContain('kasm-db-egress');
  });

  test('the database admits exactly its clients on 5432', () => {
    const dbIngress = find(build(), 'NetworkPolicy', 'kasm-db-ingress');
    const clients = dbIngress.spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name']).sort();
    expect(clients).toEqual(['kasm-api', 'kasm-db-init', 'kasm-manager']);
    expect(dbIngress.spec.ingress.every((r: any) => r.ports[0].port === 5432)).toBe(true);
  });

  test('agents are admitted by CIDR, minus the cluster ranges, only on their ports', () => {
    const m = build({ agentCidrs: ['10.0.0.0/8', '192.168.50.0/24'] });
    const proxyEgress = find(m, 'NetworkPolicy', 'kasm-proxy-egress');
    const agentRule = proxyEgress.spec.egress.find((r: any) => r.to?.[0]?.ipBlock);
    expect(agentRule).toEqual({
      to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.0/16', '10.43.0.0/16'] } }, { ipBlock: { cidr: '192.168.50.0/24' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    const proxyIngress = find(m, 'NetworkPolicy', 'kasm-proxy-ingress');
    expect(proxyIngress.spec.ingress.filter((r: any) => r.from[0].ipBlock).map((r: any) => r.ports[0].port)).toEqual([8443]);
  });

  test('servers are reachable from guac (RDP, VNC, SSH) and the RDP gateways (RDP) only when their ranges are set', () => {
    const m = build({ serverCidrs: ['172.20.0.0/16'] });
    const guacEgress = find(m, 'NetworkPolicy', 'kasm-guac-egress');
    const serverPorts = guacEgress.spec.egress.filter((r: any) => r.to?.[0]?.ipBlock?.cidr === '172.20.0.0/16').map((r: any) => r.ports[0].port);
    expect(serverPorts).toEqual([3389, 5900, 22]);
    const rdpEgress = find(m, 'NetworkPolicy', 'kasm-rdp-gateway-egress');
    expect(rdpEgress.spec.egress.filter((r: any) => r.to?.[0]?.ipBlock).map((r: any) => r.ports[0].port)).toEqual([3389]);
  });

  test('without agent CIDRs no rule admits any address range', () => {
    const m = build({ agentCidrs: [] });
    for (const p of all(m, 'NetworkPolicy')) {
      for (const r of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
        expect(JSON.stringify(r)).not.toContain('ipBlock');
      }
    }
  });

  test('the ingress controller peer comes from the front door (RKE2 ingress-nginx)', () => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db');
    const controlPlane = new KasmControlPlane(chart, 'cp', { database });
    const frontDoor = new KasmIngress(chart, 'ingress', { controlPlane, hostname: 'kasm.example.com', controller: NetworkPeer.rke2IngressNginx() });
    new KasmSecurity(chart, 'security', { controlPlane, frontDoor });
    const proxyIngress = find(synth(chart), 'NetworkPolicy', 'kasm-proxy-ingress');
    expect(proxyIngress.spec.ingress[0].from[0]).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'rke2-ingress-nginx' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    });
  });

  test('networkPolicies: false leaves them out', () => {
    expect(all(build({ networkPolicies: false }), 'NetworkPolicy')).toEqual([]);
  });
});
