/** KasmNetworkPolicies and KasmEgressPolicy from hand-written flows: each peer kind, each side, exactly one port each. */
import { Testing } from 'cdk8s';
import { Flow, FlowEnd } from '../../lib/security/network-peer';
import { KasmEgressPolicy, KasmNetworkPolicies } from '../../lib/security/network-policies';
import { Manifest } from '../support/manifests';

const a: FlowEnd = { kind: 'pods', name: 'a', namespace: 'kasm', selector: { app: 'a' } };
const b: FlowEnd = { kind: 'pods', name: 'b', namespace: 'kasm', selector: { app: 'b', tier: 'x' } };
const dns: FlowEnd = { kind: 'pods', name: 'kube-dns', namespace: 'kube-system', selector: { 'k8s-app': 'kube-dns' } };
const traefik: FlowEnd = { kind: 'pods', name: 'traefik', namespace: 'kube-system', selector: { app: 'traefik' } };
const agents: FlowEnd = { kind: 'cidrs', name: 'agents', blocks: [{ cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] }, { cidr: '192.168.0.0/16', except: [] }, { cidr: '172.16.0.0/12' }] };
const api: FlowEnd = { kind: 'anywhere', name: 'kube-apiserver' };
const flow = (from: FlowEnd, to: FlowEnd, port: number, protocol: 'TCP' | 'UDP' = 'TCP', purpose = 'p'): Flow => ({ from, to, port, protocol, purpose });

const META = (name: string, flows?: string) => ({
  name, namespace: 'kasm', labels: { team: 'kasm' },
  annotations: { 'argocd.argoproj.io/sync-wave': '-3', ...(flows !== undefined ? { 'kasm.cdk8s.io/flows': flows } : {}) },
});

function synth(flows: Flow[]): Manifest[] {
  const chart = Testing.chart();
  const built = new KasmNetworkPolicies(chart, 'np', { namespace: 'kasm', name: 'kasm', labels: { team: 'kasm' }, flows });
  const manifests = Testing.synth(chart) as Manifest[];
  expect(built.policies).toHaveLength(manifests.length);
  return manifests;
}

describe('KasmNetworkPolicies', () => {
  test('default deny alone when there are no flows', () => {
    expect(synth([])).toEqual([{
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: META('kasm-default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }]);
  });

  test('per local pod group one egress and one ingress policy, sorted by group, with one rule per flow', () => {
    const manifests = synth([
      flow(b, a, 8080),
      flow(a, b, 8443, 'TCP', 'talks'),
      flow(a, agents, 443),
      flow(agents, b, 4902),
      flow(a, api, 6443),
      flow(a, dns, 53, 'UDP'),
      flow(traefik, b, 8080),
      flow(traefik, dns, 53),
    ]);
    expect(manifests.map((m) => m.metadata.name)).toEqual(['kasm-default-deny', 'kasm-a-egress', 'kasm-a-ingress', 'kasm-b-egress', 'kasm-b-ingress']);
    const [, aEgress, aIngress, bEgress, bIngress] = manifests;
    expect(aEgress).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: META('kasm-a-egress', 'kasm/a -> kasm/b:8443/TCP (talks); kasm/a -> agents:443/TCP (p); kasm/a -> kube-apiserver:6443/TCP (p); kasm/a -> kube-system/kube-dns:53/UDP (p)'),
      spec: {
        podSelector: { matchLabels: { app: 'a' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'b', tier: 'x' } } }], ports: [{ protocol: 'TCP', port: 8443 }] },
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] } }, { ipBlock: { cidr: '192.168.0.0/16' } }, { ipBlock: { cidr: '172.16.0.0/12' } }], ports: [{ protocol: 'TCP', port: 443 }] },
          { ports: [{ protocol: 'TCP', port: 6443 }] },
          {
            to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
            ports: [{ protocol: 'UDP', port: 53 }],
          },
        ],
      },
    });
    expect(aIngress.spec).toEqual({
      podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b', tier: 'x' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(aIngress.metadata).toEqual(META('kasm-a-ingress', 'kasm/b -> kasm/a:8080/TCP (p)'));
    expect(bEgress.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(bIngress.spec).toEqual({
      podSelector: { matchLabels: { app: 'b', tier: 'x' } }, policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ protocol: 'TCP', port: 8443 }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] } }, { ipBlock: { cidr: '192.168.0.0/16' } }, { ipBlock: { cidr: '172.16.0.0/12' } }], ports: [{ protocol: 'TCP', port: 4902 }] },
        {
          from: [{ podSelector: { matchLabels: { app: 'traefik' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  test('a pod group with only outgoing flows gets no ingress policy, and the reverse', () => {
    expect(synth([flow(a, api, 443)]).map((m) => m.metadata.name)).toEqual(['kasm-default-deny', 'kasm-a-egress']);
    expect(synth([flow(traefik, b, 443)]).map((m) => m.metadata.name)).toEqual(['kasm-default-deny', 'kasm-b-ingress']);
  });

  test('an ingress rule from anywhere names only the port', () => {
    expect(synth([flow(api, a, 9000)])[1].spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 9000 }] }]);
  });
});

describe('KasmEgressPolicy', () => {
  test('one egress policy for the given pods, one rule per flow, annotated with the flows', () => {
    const chart = Testing.chart();
    const podSelector = { matchLabels: { 'app.kubernetes.io/instance': 'kasm' }, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['a'] }] };
    new KasmEgressPolicy(chart, 'e', {
      namespace: 'kasm', name: 'kasm-extra-egress-1', labels: { team: 'kasm' }, podSelector,
      flows: [flow(a, agents, 636, 'TCP', 'LDAPS'), flow(a, dns, 53, 'UDP'), flow(a, api, 443)],
    });
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: {
        name: 'kasm-extra-egress-1', namespace: 'kasm', labels: { team: 'kasm' },
        annotations: { 'argocd.argoproj.io/sync-wave': '-3', 'kasm.cdk8s.io/flows': 'kasm/a -> agents:636/TCP (LDAPS); kasm/a -> kube-system/kube-dns:53/UDP (p); kasm/a -> kube-apiserver:443/TCP (p)' },
      },
      spec: {
        podSelector, policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] } }, { ipBlock: { cidr: '192.168.0.0/16' } }, { ipBlock: { cidr: '172.16.0.0/12' } }], ports: [{ protocol: 'TCP', port: 636 }] },
          { to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }] },
          { ports: [{ protocol: 'TCP', port: 443 }] },
        ],
      },
    }]);
  });
});
