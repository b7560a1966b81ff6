/**
 * The platform team's Kasm desktops, built from the cdk8s-kasm package (not from a copy of its sources):
 *
 * - `prod`: the K3sProd variant from `cdk8s-kasm/charts`, with our namespace, host names, agent network and issuer;
 * - `lab`:  the constructs from `cdk8s-kasm` composed by hand on RKE2, small and without autoscaling.
 *
 * `npm run synth` writes dist/<variant>/ (`kubectl apply -k dist/prod`) and dist/gitops/ (Argo CD Applications and
 * Flux Kustomizations that pull dist/ from this repository). A configuration mistake, or a manifest the package's
 * doctor finds broken, fails synth with a message naming the prop.
 */
import { Chart, Size } from 'cdk8s';
import {
  ClusterProfile, KasmControlPlane, KasmDatabase, KasmIngress, KasmNamespace, KasmSecurity, KasmVersion, SizePreset,
  TraefikTimeouts, synthVariants, type Variant,
} from 'cdk8s-kasm';
import { K3sProd } from 'cdk8s-kasm/charts';

/** Where our Kasm agents (the VMs that run the desktops) live; they call the manager and the API. */
const AGENT_CIDRS = ['10.20.0.0/24'];

const variants: Variant[] = [
  {
    name: 'prod',
    build: (app) => new K3sProd(app, 'desktops', {
      namespace: 'desktops',
      hostname: 'desktops.platform.example.org',
      alternativeHostnames: ['kasm.platform.example.org'],
      agentCidrs: AGENT_CIDRS,
      ingressIssuerName: 'platform-letsencrypt',
    }),
  },
  {
    name: 'lab',
    build: (app) => {
      const chart = new Chart(app, 'lab', { disableResourceNameHashes: true });
      const namespace = 'kasm-lab';
      const cluster = ClusterProfile.rke2();
      new KasmNamespace(chart, 'Namespace', { namespace });
      const database = new KasmDatabase(chart, 'Database', {
        version: KasmVersion.V1_18_1, namespace, cluster, storageClassName: 'longhorn', storage: Size.gibibytes(20),
      });
      const controlPlane = new KasmControlPlane(chart, 'ControlPlane', { database, size: SizePreset.SMALL, enableRdpGateway: false });
      const frontDoor = new KasmIngress(chart, 'Ingress', { controlPlane, hostname: 'desktops-lab.platform.example.org' });
      new KasmSecurity(chart, 'Security', { controlPlane, frontDoor, agentCidrs: AGENT_CIDRS });
      new TraefikTimeouts(chart, 'TraefikTimeouts', { cluster });
    },
  },
];

synthVariants(variants, 'dist', { repoUrl: 'https://git.example.org/platform/desktops.git', revision: 'main', basePath: 'dist' });
