/** KasmControlPlane: props -> manifest rules. */
import { Node } from 'constructs';
import { ClusterProfile } from '../../lib/cluster/profile';
import { ApiObject, Testing } from 'cdk8s';
import {
  ComponentId, KasmControlPlane, KasmDatabase, KasmSecrets, KasmVersion, SizePreset, ImagePullPolicy,
} from '../../lib';
import { all, envOf, find, Manifest, podSpec, synth } from '../support/manifests';

function build(version = KasmVersion.V1_18_1, extra: Partial<ConstructorParameters<typeof KasmControlPlane>[2]> = {}) {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db', { version, namespace: 'kasm' });
  const cp = new KasmControlPlane(chart, 'cp', { database, ...extra });
  return { chart, cp, manifests: synth(chart) };
}

const deployments = (m: Manifest[]) => all(m, 'Deployment').map((d) => d.metadata.name).sort();
const initNames = (d: Manifest) => (podSpec(d).initContainers ?? []).map((c: any) => c.name);

describe('KasmControlPlane', () => {
  test('1.18.1 deploys every component under the contract names', () => {
    // GIVEN / WHEN
    const { manifests } = build();
    // THEN
    expect(deployments(manifests)).toEqual(['kasm-api', 'kasm-guac', 'kasm-manager', 'kasm-proxy', 'kasm-rdp-gateway', 'kasm-rdp-https-gateway']);
    expect(all(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual([
      'kasm-api', 'kasm-db', 'kasm-guac', 'kasm-manager-default', 'kasm-proxy-default', 'kasm-rdp-gateway', 'kasm-rdp-https-gateway',
    ]);
  });

  test('1.16.0 adds share and redis and uses the 1.16 Service names', () => {
    const { manifests } = build(KasmVersion.V1_16_0);
    expect(deployments(manifests)).toEqual(['kasm-api', 'kasm-guac', 'kasm-manager', 'kasm-proxy', 'kasm-redis', 'kasm-share', 'rdp-gateway', 'rdp-https-gw']);
    expect(all(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual([
      'db', 'kasm-api', 'kasm-guac', 'kasm-manager', 'kasm-proxy', 'kasm-redis', 'kasm-share', 'rdp-gateway', 'rdp-https-gateway',
    ]);
  });

  test('Service ports carry the contract port names and target the same port', () => {
    const { manifests } = build();
    expect(find(manifests, 'Service', 'kasm-proxy-default').spec.ports).toEqual([
      { name: 'proxy-pt-http', port: 8080, protocol: 'TCP', targetPort: 8080 },
      { name: 'proxy-pt-https', port: 8443, protocol: 'TCP', targetPort: 8443 },
    ]);
    expect(find(manifests, 'Service', 'kasm-guac').spec.ports.map((p: any) => p.port)).toEqual([3000, 3001, 3002, 3003, 3004]);
  });

  test('env comes from the contract: literals, the database, and Secret references only', () => {
    const { manifests } = build();
    const api = podSpec(find(manifests, 'Deployment', 'kasm-api')).containers[0];
    expect(envOf(api)).toEqual({
      START_SERVICES: 'true',
      KUBERNETES_SERVICE_HOST: 'true',
      POSTGRES_HOST: 'kasm-db',
      POSTGRES_PORT: '5432',
      POSTGRES_DB: 'kasm',
      POSTGRES_USER: 'kasmapp',
      POSTGRES_PASSWORD: 'secret:kasm-secrets/db-password',
    });
    const guac = podSpec(find(manifests, 'Deployment', 'kasm-guac')).containers[0];
    expect(envOf(guac).REGISTRATION_TOKEN).toBe('secret:kasm-secrets/service-token');
    expect(envOf(guac).ZONE).toBe('default');
  });

  test('the zone every env var carries is the one Kasm seeds and names its Services after', () => {
    const { manifests } = build(KasmVersion.V1_18_1);
    expect(envOf(podSpec(find(manifests, 'Deployment', 'kasm-manager')).containers[0]).SERVER_ZONE_NAME).toBe('default');
    expect(envOf(podSpec(find(manifests, 'Deployment', 'kasm-guac')).containers[0]).ZONE).toBe('default');
    expect(find(manifests, 'Service', 'kasm-proxy-default')).toBeDefined();
    expect(() => build(KasmVersion.V1_18_1, { zoneName: 'eu-west' })).toThrow(/^KasmControlPlane zoneName: 'eu-west' is not supported yet/);
  });

  test('wait loops follow the dependency graph in order', () => {
    const { manifests } = build();
    expect(initNames(find(manifests, 'Deployment', 'kasm-api'))).toEqual(['wait-for-database']);
    expect(initNames(find(manifests, 'Deployment', 'kasm-manager'))).toEqual(['wait-for-kasm-api']);
    expect(initNames(find(manifests, 'Deployment', 'kasm-proxy'))).toEqual([
      'wait-for-kasm-api', 'wait-for-kasm-manager', 'wait-for-kasm-guac', 'wait-for-kasm-rdp-gateway',
    ]);
  });

  test('HTTP waits fail on HTTP errors and time out each attempt', () => {
    const { manifests } = build();
    const script = podSpec(find(manifests, 'Deployment', 'kasm-manager')).initContainers[0].command[2];
    expect(script).toContain('curl --fail --silent --show-error --max-time 5');
    expect(script).toContain('http://kasm-api:8080/api/__healthcheck');
    expect(script).toContain('gave up after ${WAIT_DEADLINE_SECONDS:-600}s');
    expect(script).toMatch(/exit 1/);
  });

  test('the api waits for a seeded database with the right password, over TLS', () => {
    const { manifests } = build();
    const wait = podSpec(find(manifests, 'Deployment', 'kasm-api')).initContainers[0];
    expect(wait.command[2]).toContain('SELECT EXISTS (SELECT 1 FROM zones)');
    expect(wait.command[2]).toContain('PGSSLMODE=require');
    expect(wait.command[2]).toContain('--host=kasm-db --port=5432');
    expect(envOf(wait).POSTGRES_PASSWORD).toBe('secret:kasm-secrets/db-password');
  });

  test('1.16 share waits for redis with the password and the proxy waits for share by TCP', () => {
    const { manifests } = build(KasmVersion.V1_16_0);
    const share = podSpec(find(manifests, 'Deployment', 'kasm-share'));
    expect(share.initContainers.map((c: any) => c.name)).toEqual(['wait-for-kasm-redis', 'wait-for-kasm-api']);
    expect(share.initContainers[0].image).toBe('redis:5.0.14-alpine');
    expect(share.initContainers[0].command[2]).toContain('redis-cli -h kasm-redis -p 6379');
    const proxyWaits = podSpec(find(manifests, 'Deployment', 'kasm-proxy')).initContainers;
    expect(proxyWaits.find((c: any) => c.name === 'wait-for-kasm-share').command[2]).toContain('nc -z -w 5 kasm-share 8182');
  });

  test('disabling a component removes its workload, Service, routes and waits', () => {
    const { manifests } = build(KasmVersion.V1_18_1, { enableGuac: false, enableRdpGateway: false });
    expect(deployments(manifests)).toEqual(['kasm-api', 'kasm-manager', 'kasm-proxy', 'kasm-rdp-https-gateway']);
    expect(initNames(find(manifests, 'Deployment', 'kasm-proxy'))).toEqual(['wait-for-kasm-api', 'wait-for-kasm-manager']);
    const nginx = Object.values(find(manifests, 'ConfigMap', 'kasm-proxy-config').data).join('\n');
    expect(nginx).not.toContain('kasm-guac');
    expect(nginx).not.toContain('/rdp-gateway/');
    expect(nginx).toContain('/rdp-https-gateway/');
  });

  test('disabling share on 1.16 also drops redis', () => {
    const { manifests } = build(KasmVersion.V1_16_0, { enableShare: false });
    expect(deployments(manifests)).not.toContain('kasm-share');
    expect(deployments(manifests)).not.toContain('kasm-redis');
    expect(initNames(find(manifests, 'Deployment', 'kasm-proxy'))).not.toContain('wait-for-kasm-share');
  });

  test('replicas and resources follow the preset unless overridden', () => {
    const { manifests } = build(KasmVersion.V1_18_1, {
      size: SizePreset.MEDIUM,
      components: { api: { replicas: 4, resources: { cpuLimit: '2', memoryLimit: '1Gi' } } },
    });
    const api = find(manifests, 'Deployment', 'kasm-api');
    expect(api.spec.replicas).toBe(4);
    expect(podSpec(api).containers[0].resources).toEqual({
      requests: { 'cpu': '150m', 'memory': '64Mi', 'ephemeral-storage': '50Mi' },
      limits: { 'cpu': '2', 'memory': '1Gi', 'ephemeral-storage': '2Gi' },
    });
    expect(find(manifests, 'Deployment', 'kasm-manager').spec.replicas).toBe(2);
  });

  test('every container runs hardened as the image user, with a read-only root', () => {
    const { manifests } = build();
    for (const d of all(manifests, 'Deployment')) {
      const spec = podSpec(d);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.serviceAccountName).toBe(d.metadata.name);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
          runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' },
        });
      }
    }
  });

  test('every writable path of the contract is an emptyDir mount', () => {
    const { manifests } = build();
    const guac = podSpec(find(manifests, 'Deployment', 'kasm-guac'));
    const mounts = guac.containers[0].volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(['/tmp', '/opt/kasm/current/tmp/guac', '/opt/kasm/current/log']);
    expect(guac.volumes.every((v: any) => v.emptyDir?.sizeLimit)).toBe(true);
  });

  test('TLS Secrets are mounted by name at the paths the images read', () => {
    const { manifests } = build(KasmVersion.V1_18_1, { secrets: KasmSecrets.fromExisting({ rdpTlsSecretName: 'my-rdp-cert' }) });
    const rdp = podSpec(find(manifests, 'Deployment', 'kasm-rdp-https-gateway'));
    expect(rdp.volumes.find((v: any) => v.secret)).toEqual({ name: 'tls-rdp', secret: { secretName: 'my-rdp-cert', defaultMode: 0o440 } });
    expect(rdp.containers[0].volumeMounts.filter((m: any) => m.name === 'tls-rdp').map((m: any) => `${m.subPath}->${m.mountPath}`))
      .toEqual(['tls.crt->/opt/rdpgw/server.pem', 'tls.key->/opt/rdpgw/key.pem']);
  });

  test('the proxy mounts the generated nginx configuration and rolls when it changes', () => {
    const a = build();
    const b = build(KasmVersion.V1_18_1, { sessionTimeout: undefined, cluster: ClusterProfile.k3s({ dnsServiceIp: '10.43.0.53' }) });
    const digestOf = (m: Manifest[]) => find(m, 'Deployment', 'kasm-proxy').spec.template.metadata.annotations['kasm.cdk8s.io/config-digest'];
    expect(digestOf(a.manifests)).not.toEqual(digestOf(b.manifests));
    const proxy = podSpec(find(a.manifests, 'Deployment', 'kasm-proxy'));
    expect(proxy.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'nginx-conf', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
      { name: 'nginx-conf-d', mountPath: '/etc/nginx/conf.d', readOnly: true },
    ]));
  });

  test('the db-init Job is idempotent and named after its pod template', () => {
    const { manifests } = build();
    const [job] = all(manifests, 'Job');
    expect(job.metadata.name).toMatch(/^kasm-db-init-1-18-1-[0-9a-f]{6}$/);
    const script = podSpec(job).containers[0].command[2];
    expect(script.indexOf('if seeded; then')).toBeLessThan(script.indexOf('/usr/bin/startup.sh'));
    expect(script).toContain('nothing to do');
    expect(script).toContain('exit 1');
    expect(podSpec(job).initContainers.map((c: any) => c.name)).toEqual(['wait-for-database']);
    expect(podSpec(job).initContainers[0].command[2]).toContain('pg_isready --host=kasm-db --port=5432 --timeout=5');
    // Same inputs, same name: a re-sync leaves the finished Job alone.
    expect(all(build().manifests, 'Job')[0].metadata.name).toBe(job.metadata.name);
  });

  test('1.16 db-init mounts our seed script and passes every credential by reference', () => {
    const { manifests } = build(KasmVersion.V1_16_0);
    const job = all(manifests, 'Job')[0];
    const seed = find(manifests, 'ConfigMap', 'kasm-db-init-script').data['seed.sh'];
    expect(seed).toContain('kasm_server.so} --initialize-database');
    expect(seed).toContain('strenv(DEFAULT_MANAGER_TOKEN)');
    expect(seed).not.toMatch(/echo .*PASSWORD/);
    expect(envOf(podSpec(job).containers[0])).toMatchObject({
      POSTGRES_HOST: 'db',
      DEFAULT_ADMIN_PASSWORD: 'secret:kasm-secrets/admin-password',
      DEFAULT_REGISTRATION_TOKEN: 'secret:kasm-secrets/service-token',
    });
  });

  test('imageRegistry and imagePullPolicy apply to every container', () => {
    const { manifests } = build(KasmVersion.V1_18_1, { imageRegistry: 'registry.local:5000', imagePullPolicy: ImagePullPolicy.ALWAYS });
    for (const d of [...all(manifests, 'Deployment'), ...all(manifests, 'Job')]) {
      for (const c of [...podSpec(d).containers, ...(podSpec(d).initContainers ?? [])]) {
        expect(c.image).toMatch(/^registry\.local:5000\/kasmweb\//);
        expect(c.imagePullPolicy).toBe('Always');
      }
    }
  });

  test('the dependency graph is exposed with pod selectors for NetworkPolicies', () => {
    const { cp } = build();
    const apiToDb = cp.edges.find((e) => e.edge.from === ComponentId.API && e.edge.to === ComponentId.DB)!;
    expect(apiToDb.from).toEqual({ 'app.kubernetes.io/name': 'kasm-api', 'app.kubernetes.io/instance': 'kasm' });
    expect(apiToDb.to).toEqual({ 'app.kubernetes.io/name': 'kasm-db', 'app.kubernetes.io/instance': 'kasm' });
  });

  test('name and Secret names default to the KasmDatabase\'s, so both sides agree', () => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db', { name: 'desktops', secrets: KasmSecrets.fromExisting({ name: 'desktops', dbTlsSecretName: 'pg-tls' }) });
    const cp = new KasmControlPlane(chart, 'cp', { database });
    expect(cp.name).toBe('desktops');
    expect(cp.secrets.credentialsSecretName).toBe('desktops-secrets');
    const m = synth(chart);
    expect(envOf(podSpec(find(m, 'Deployment', 'kasm-guac')).containers[0]).REGISTRATION_TOKEN).toBe('secret:desktops-secrets/service-token');
    expect(find(m, 'ConfigMap', 'desktops-proxy-config')).toBeDefined();
  });

  test('the proxy Deployment is the escape-hatch object', () => {
    const { cp } = build();
    expect(cp.apiObject).toBeInstanceOf(ApiObject);
    // Compared by identity: a failing toBe on constructs would make Jest diff the whole construct tree.
    expect(Node.of(cp).tryFindChild('proxy')?.node.tryFindChild('Deployment') === cp.apiObject).toBe(true);
  });
});
