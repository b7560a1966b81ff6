/** ClusterProfile: one description of the cluster, read by every construct. */
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { ClusterProfile, NetworkPeer } from '../../lib';
import { find, Manifest, podSpec } from '../support/manifests';

const synthK3sDev = (cluster?: ClusterProfile): Manifest[] => Testing.synth(new K3sDev(Testing.app(), 'x', { cluster })) as Manifest[];

describe('ClusterProfile', () => {
  test('k3s: the distribution defaults', () => {
    const k3s = ClusterProfile.k3s();
    expect(k3s).toMatchObject({
      name: 'k3s', dnsServiceIp: '10.43.0.10', clusterCidrs: ['10.42.0.0/16', '10.43.0.0/16'], ingressClassName: 'traefik',
      defaultStorageClass: 'local-path', traefikHelmChartConfigName: 'traefik', apiServerPorts: [443, 6443], clusterDomain: 'cluster.local',
    });
    expect(k3s.ingressController.end).toEqual(NetworkPeer.k3sTraefik().end);
    expect(k3s.dns.end).toEqual(NetworkPeer.kubeDns().end);
  });

  test('rke2: packaged Traefik under its own HelmChartConfig name and Longhorn storage', () => {
    const rke2 = ClusterProfile.rke2();
    expect(rke2).toMatchObject({ name: 'rke2', traefikHelmChartConfigName: 'rke2-traefik', defaultStorageClass: 'longhorn', dnsServiceIp: '10.43.0.10' });
    expect(rke2.ingressController.end).toEqual({ kind: 'pods', name: 'traefik', namespace: 'kube-system', selector: { 'app.kubernetes.io/name': 'rke2-traefik' } });
  });

  test('overrides replace only what they name and are cross-checked', () => {
    const custom = ClusterProfile.k3s({ clusterCidrs: ['10.52.0.0/16', '10.53.0.0/16'], dnsServiceIp: '10.53.0.10' });
    expect(custom.defaultStorageClass).toBe('local-path');
    expect(() => ClusterProfile.k3s({ clusterCidrs: ['10.52.0.0/16', '10.53.0.0/16'] }))
      .toThrow('ClusterProfile.k3s dnsServiceIp: \'10.43.0.10\' is outside every cluster CIDR (\'10.52.0.0/16\', \'10.53.0.0/16\')');
  });

  test('custom: every field named', () => {
    const custom = ClusterProfile.custom({
      name: 'kubeadm', dnsServiceIp: '10.96.0.10', clusterCidrs: ['10.244.0.0/16', '10.96.0.0/12'], dns: NetworkPeer.kubeDns(),
      ingressController: NetworkPeer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }, 'ingress-nginx'),
      ingressClassName: 'nginx', defaultStorageClass: 'standard',
    });
    expect(custom.traefikHelmChartConfigName).toBeUndefined();
    expect(custom.apiServerPorts).toEqual([443, 6443]);
  });

  describe('every construct reads it', () => {
    const cluster = ClusterProfile.rke2({ clusterCidrs: ['10.52.0.0/16', '10.53.0.0/16'], dnsServiceIp: '10.53.0.10' });
    const manifests = synthK3sDev(cluster);

    test('nginx resolves through the profile\'s DNS address', () => {
      const conf = find(manifests, 'ConfigMap', 'kasm-proxy-config').data['kasm.conf'];
      expect(conf).toContain('resolver 10.53.0.10');
    });

    test('the database volume uses the profile\'s StorageClass', () => {
      expect(find(manifests, 'StatefulSet', 'kasm-db').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('longhorn');
    });

    test('the timeouts go to the profile\'s HelmChartConfig', () => {
      expect(find(manifests, 'HelmChartConfig', 'rke2-traefik').metadata.namespace).toBe('kube-system');
    });

    test('the Ingress uses the profile\'s class and the policies admit its controller', () => {
      expect(find(manifests, 'Ingress', 'kasm').spec.ingressClassName).toBe('traefik');
      const froms = find(manifests, 'NetworkPolicy', 'kasm-proxy-ingress').spec.ingress.flatMap((r: any) => r.from ?? []);
      expect(froms.map((f: any) => f.podSelector?.matchLabels)).toContainEqual({ 'app.kubernetes.io/name': 'rke2-traefik' });
    });

    test('agent ranges exclude the profile\'s cluster CIDRs', () => {
      const egress = find(manifests, 'NetworkPolicy', 'kasm-proxy-egress').spec.egress;
      const agents = egress.find((r: any) => r.to?.[0]?.ipBlock?.cidr === '10.0.0.0/8');
      expect(agents.to[0].ipBlock.except).toEqual(['10.52.0.0/16', '10.53.0.0/16']);
    });

    test('the generator may reach the profile\'s API server ports', () => {
      const egress = find(manifests, 'NetworkPolicy', 'kasm-secret-generator-egress').spec.egress;
      expect(egress.map((r: any) => r.ports[0].port)).toEqual([443, 6443]);
      expect(podSpec(find(manifests, 'StatefulSet', 'kasm-db')).containers).toHaveLength(1);
    });
  });
});
