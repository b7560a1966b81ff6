/** KasmIngress and TraefikTimeouts: props -> manifest rules. */
import * as yaml from 'js-yaml';
import { Duration, Testing } from 'cdk8s';
import { BackendScheme, ClusterProfile, KasmControlPlane, KasmDatabase, KasmIngress, KasmVersion, TraefikTimeouts } from '../../lib';
import { all, find, synth } from '../support/manifests';

function build(props: Partial<ConstructorParameters<typeof KasmIngress>[2]> = {}, version = KasmVersion.V1_18_1) {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db', { version });
  const controlPlane = new KasmControlPlane(chart, 'cp', { database });
  new KasmIngress(chart, 'ingress', { controlPlane, hostname: 'kasm.example.com', ...props });
  return synth(chart);
}

describe('KasmIngress', () => {
  test('a Traefik Ingress sends every host to the proxy\'s HTTP port with TLS from a named Secret', () => {
    const ingress = find(build({ alternativeHostnames: ['desktops.example.com'] }), 'Ingress', 'kasm');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.tls).toEqual([{ hosts: ['kasm.example.com', 'desktops.example.com'], secretName: 'kasm-ingress-tls' }]);
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['kasm.example.com', 'desktops.example.com']);
    for (const rule of ingress.spec.rules) {
      expect(rule.http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kasm-proxy-default', port: { number: 8080 } } } }]);
    }
    expect(ingress.metadata.annotations!['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('websecure');
  });

  test('follows the release\'s proxy Service name', () => {
    const ingress = find(build({}, KasmVersion.V1_16_0), 'Ingress', 'kasm');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('kasm-proxy');
  });

  test('class and TLS Secret are configurable', () => {
    const ingress = find(build({ ingressClassName: 'nginx', tlsSecretName: 'wildcard-cert' }), 'Ingress', 'kasm');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls[0].secretName).toBe('wildcard-cert');
  });

  test('raises K3s Traefik\'s entrypoint timeouts to the session timeout', () => {
    const chart = Testing.chart();
    new TraefikTimeouts(chart, 'Timeouts', { sessionTimeout: Duration.hours(1) });
    const config = find(synth(chart), 'HelmChartConfig', 'traefik');
    expect(config.metadata.namespace).toBe('kube-system');
    const values = yaml.load(config.spec.valuesContent) as any;
    const expected = { readTimeout: '3600s', writeTimeout: '3600s', idleTimeout: '3600s' };
    expect(values.ports.web.transport.respondingTimeouts).toEqual(expected);
    expect(values.ports.websecure.transport.respondingTimeouts).toEqual(expected);
  });

  test('the front door never writes the cluster-wide HelmChartConfig itself', () => {
    expect(all(build(), 'HelmChartConfig')).toEqual([]);
  });

  test('on RKE2 the timeouts go to the HelmChartConfig rke2-traefik, and no instance label marks the shared object', () => {
    const chart = Testing.chart();
    new TraefikTimeouts(chart, 'Timeouts', { cluster: ClusterProfile.rke2() });
    const config = find(synth(chart), 'HelmChartConfig', 'rke2-traefik');
    expect(config.metadata.namespace).toBe('kube-system');
    expect(config.metadata.labels?.['app.kubernetes.io/instance']).toBeUndefined();
  });

  test('the controller and the backend port are what the front door promises KasmSecurity', () => {
    const chart = Testing.chart();
    const database = new KasmDatabase(chart, 'db', { cluster: ClusterProfile.rke2() });
    const controlPlane = new KasmControlPlane(chart, 'cp', { database });
    const ingress = new KasmIngress(chart, 'ingress', { controlPlane, hostname: 'kasm.example.com' });
    expect(ingress.controller.end).toEqual(ClusterProfile.rke2().ingressController.end);
    expect(ingress.backendPort).toBe(8080);
    expect(ingress.backendScheme).toBe(BackendScheme.HTTP);
  });
});
