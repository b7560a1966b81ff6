/**
 * Kasm 1.19.0's gateways as synthesized: registration addresses, the TLS sidecars and their certificate, the
 * NetworkPolicies that open only the sidecars' ports, and the capacity the sidecars take (the official 1.1190.x chart,
 * https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/templates/`).
 */
import { Testing } from 'cdk8s';
import { K3sDev, K3sProd } from '../../charts';
import { ComponentId, KasmVersion, RdpExposureKind } from '../../lib';
import { renderSidecarConfig } from '../../lib/control-plane/sidecar-config';
import { ClusterProfile } from '../../lib/cluster/profile';
import { KasmConfigError } from '../../lib/core/config-error';
import { KasmRdpExposure } from '../../lib/ingress/rdp-exposure';
import { podsAtMaximum } from '../../lib/planner/fit';
import { Manifest } from '../support/manifests';

const V = KasmVersion.V1_19_0;
const dev = Testing.synth(new K3sDev(Testing.app(), 'dev', { version: V })) as Manifest[];
const find = (ms: Manifest[], kind: string, name: string) => {
  const m = ms.find((o) => o.kind === kind && o.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return m;
};
const envOf = (w: Manifest) => Object.fromEntries((w.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('Kasm 1.19.0 gateways', () => {
  test('guac and rdp-https-gateway are StatefulSets behind headless Services that publish only the sidecar port', () => {
    // The chart's names (`<rel>-guac-<zone>`), which 1.18.1's ClusterIP Services do not have: no Service changes type in place.
    for (const [name, service, port] of [['kasm-guac', 'kasm-guac-default', 9000], ['kasm-rdp-https-gateway', 'kasm-rdp-https-gateway-default', 9002]] as const) {
      expect(find(dev, 'StatefulSet', name).spec.serviceName).toBe(service);
      const svc = find(dev, 'Service', service);
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports.map((p: any) => p.port)).toEqual([port]);
    }
    expect(find(dev, 'Service', 'kasm-rdp-gateway-default').spec.ports.map((p: any) => p.port)).toEqual([3389, 9001]);
  });

  test('each pod registers its own name on its sidecar; the api reaches the gateways over https', () => {
    expect(envOf(find(dev, 'StatefulSet', 'kasm-guac'))).toMatchObject({
      HOSTNAME: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
      SERVER_ADDRESS: '$(HOSTNAME).kasm-guac-default.$(POD_NAMESPACE).svc.cluster.local', SERVER_PORT: '9000',
    });
    expect(envOf(find(dev, 'StatefulSet', 'kasm-rdp-https-gateway'))).toMatchObject({
      SERVER_HOSTNAME: '$(HOSTNAME).kasm-rdp-https-gateway-default.$(POD_NAMESPACE).svc.cluster.local', SERVER_PORT: '9002',
    });
    expect(envOf(find(dev, 'Deployment', 'kasm-rdp-gateway'))).toMatchObject({ SERVER_HOSTNAME: 'kasm-rdp-gateway-default', SERVER_PORT: '9001' });
    expect(envOf(find(dev, 'Deployment', 'kasm-api'))).toMatchObject({ SERVER_INTERNAL_SCHEMA: 'https' });
    expect(envOf(find(dev, 'Deployment', 'kasm-manager'))).toMatchObject({ SERVER_INTERNAL_SCHEMA: 'http' });
  });

  test('the cluster domain comes from the ClusterProfile', () => {
    const ms = Testing.synth(new K3sDev(Testing.app(), 'dev', { version: V, cluster: ClusterProfile.k3s({ clusterDomain: 'corp.internal' }) })) as Manifest[];
    expect(envOf(find(ms, 'StatefulSet', 'kasm-guac')).SERVER_ADDRESS).toBe('$(HOSTNAME).kasm-guac-default.$(POD_NAMESPACE).svc.corp.internal');
    expect(find(ms, 'ConfigMap', 'kasm-rdp-gateway-nginx-config').data['nginx.conf']).toContain('proxy_ssl_name kasm-guac-default.kasm.svc.corp.internal;');
  });

  test('with native RDP published, rdp-gateway registers the address RDP clients are given', () => {
    const prod = (rdp: object) => Testing.synth(new K3sProd(Testing.app(), 'p', {
      version: V, hostname: 'kasm.example.com', nodes: [{ count: 4, cpu: '16', memory: '64Gi' }], rdp,
    } as any)) as Manifest[];
    expect(envOf(find(prod({ kind: RdpExposureKind.LOAD_BALANCER, hostname: 'rdp.example.com' }), 'Deployment', 'kasm-rdp-gateway')).SERVER_HOSTNAME).toBe('rdp.example.com');
    expect(envOf(find(prod({ kind: RdpExposureKind.LOAD_BALANCER }), 'Deployment', 'kasm-rdp-gateway')).SERVER_HOSTNAME).toBe('kasm.example.com');
  });

  test('two exposures giving the gateway different addresses are refused, naming both', () => {
    const chart = new K3sDev(Testing.app(), 'dev', { version: V });
    new KasmRdpExposure(chart, 'A', { controlPlane: chart.controlPlane, kind: RdpExposureKind.LOAD_BALANCER, hostname: 'a.example.com' });
    let n = 0;
    const second = () => new KasmRdpExposure(chart, `B${n++}`, { controlPlane: chart.controlPlane, kind: RdpExposureKind.LOAD_BALANCER, hostname: 'b.example.com' });
    expect(second).toThrow(KasmConfigError);
    expect(second).toThrow(/KasmRdpExposure hostname: 'b\.example\.com' differs from 'a\.example\.com'/);
  });

  test('every sidecar: kasmweb/proxy:1.19.0, its generated nginx.conf, the RDP certificate with the CA, hardened, sized and probed', () => {
    for (const [kind, name, sidecar, port] of [['StatefulSet', 'kasm-guac', 'guac-nginx', 9000], ['Deployment', 'kasm-rdp-gateway', 'rdp-gateway-nginx', 9001],
      ['StatefulSet', 'kasm-rdp-https-gateway', 'rdp-https-gateway-nginx', 9002]] as const) {
      const w = find(dev, kind, name);
      const c = w.spec.template.spec.containers.find((x: any) => x.name === sidecar);
      expect(c.image).toBe('kasmweb/proxy:1.19.0');
      expect(c.ports).toEqual([expect.objectContaining({ containerPort: port })]);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.resources.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.livenessProbe).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
      const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]));
      expect(mounts['/etc/nginx/ssl/ca.crt']).toMatchObject({ subPath: 'ca.crt', name: 'tls-rdp' });
      const conf = w.spec.template.spec.volumes.find((v: any) => v.name === mounts['/etc/nginx/nginx.conf'].name).configMap.name;
      expect(find(dev, 'ConfigMap', conf).data['nginx.conf']).toContain(`listen ${port} ssl;`);
      expect(w.spec.template.metadata.annotations[`kasm.cdk8s.io/${sidecar}-config-digest`]).toMatch(/^[0-9a-f]{10}$/);
      for (const p of ['/var/cache/nginx', '/run']) expect(mounts[p]).toBeDefined();
    }
  });

  test('the RDP certificate carries every gateway\'s Service names and the StatefulSets\' per-pod names', () => {
    const plan = JSON.parse(find(dev, 'ConfigMap', 'kasm-secret-generator').data['plan.json']);
    const rdp = plan.certificates.find((c: any) => c.secretName === 'kasm-rdp-tls');
    expect(rdp.dnsNames).toEqual(expect.arrayContaining([
      'kasm-guac-default', 'kasm-guac-default.kasm.svc.cluster.local', '*.kasm-guac-default.kasm.svc.cluster.local',
      'kasm-rdp-gateway-default', 'kasm-rdp-gateway-default.kasm.svc.cluster.local',
      'kasm-rdp-https-gateway-default.kasm.svc.cluster.local', '*.kasm-rdp-https-gateway-default.kasm.svc.cluster.local',
    ]));
  });

  test('NetworkPolicies open the sidecars\' ports only, to exactly the callers the graph names; the apps\' own ports stay closed', () => {
    const ingress = (name: string) => (find(dev, 'NetworkPolicy', `kasm-${name}-ingress`).spec.ingress as any[])
      .map((r) => `${r.from?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? 'outside'}:${r.ports[0].port}`).sort();
    expect(ingress('guac')).toEqual(['kasm-api:9000', 'kasm-manager:9000', 'kasm-proxy:9000', 'kasm-rdp-gateway:9000']);
    expect(ingress('rdp-gateway')).toEqual(['kasm-api:9001', 'kasm-proxy:9001']);
    expect(ingress('rdp-https-gateway')).toEqual(['kasm-api:9002', 'kasm-proxy:9002']);
  });

  test('without guac, rdp-gateway\'s sidecar answers /guac/vm_disconnect itself (rdp-gateway-nginx-configmap.yaml@61a998a)', () => {
    const c = V.contract;
    const render = (enabled: ComponentId[]) => renderSidecarConfig({
      contract: c, component: c.components[ComponentId.RDP_GATEWAY]!, sidecar: c.components[ComponentId.RDP_GATEWAY]!.sidecars![0],
      enabled: new Set(enabled), dnsResolver: '10.43.0.10', sessionTimeoutSeconds: 1800, cluster: { namespace: 'kasm', clusterDomain: 'cluster.local' },
    })['nginx.conf'].split('location /guac/vm_disconnect {')[1].split('}')[0];
    expect(render([ComponentId.RDP_GATEWAY, ComponentId.GUAC])).toContain('proxy_pass https://$peer_host:9000/guac/vm_disconnect$is_args$args;');
    expect(render([ComponentId.RDP_GATEWAY])).toContain('return 200 "ok";');
  });

  test('the capacity check counts each sidecar\'s requests in its pod', () => {
    const guac = podsAtMaximum(dev).find((p) => p.name === 'StatefulSet/kasm-guac')!;
    const containers = find(dev, 'StatefulSet', 'kasm-guac').spec.template.spec.containers;
    expect(containers).toHaveLength(2);
    expect(guac.cpu).toBeCloseTo(0.1 + 0.025);
  });
});
