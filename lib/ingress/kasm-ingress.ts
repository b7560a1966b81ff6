import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { componentLabel, instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { assertDnsSubdomain, assertPlainObject, fail } from '../core/validation';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { NetworkPeer } from '../security/network-peer';
import { BackendScheme, frontDoorHostnames, IKasmFrontDoor } from './interface';

/** Props for {@link KasmIngress}. */
export interface KasmIngressProps {
  /** The control plane whose proxy receives the traffic. */
  readonly controlPlane: IKasmControlPlane;
  /** Host name users type in the browser, e.g. 'kasm.example.com'. */
  readonly hostname: string;
  /** More host names served by the same proxy (each gets a rule and a TLS entry). @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** IngressClass of the controller. @default - the cluster profile's (`traefik` on K3s) */
  readonly ingressClassName?: string;
  /** The controller pods that connect to the proxy. @default - the cluster profile's ingress controller */
  readonly controller?: NetworkPeer;
  /** `kubernetes.io/tls` Secret with a certificate for every host name. @default - the control plane's secrets.ingressTlsSecretName */
  readonly tlsSecretName?: string;
}

/**
 * The front door: an Ingress for Traefik that sends every host name to the Kasm proxy's HTTP listener, with TLS
 * terminated at Traefik from a Secret referenced by name.
 *
 * Differs from the 1.16 chart on purpose: every alternative host name gets a rule (the chart only added them to
 * TLS), `/api/` is not routed around the proxy (1.18's chart dropped that too), and the router is bound to the
 * `websecure` entrypoint, because Kasm builds desktop URLs from the browser's scheme and does not work over HTTP.
 * Traefik's stream timeouts are a cluster-wide setting: see {@link TraefikTimeouts}.
 */
export class KasmIngress extends Construct implements IKasmFrontDoor {
  public readonly hostnames: readonly string[];
  public readonly ingressClassName: string;
  public readonly tlsSecretName: string;
  public readonly controller: NetworkPeer;
  public readonly backendPort: number;
  public readonly backendScheme = BackendScheme.HTTP;
  public readonly ingress: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: KasmIngressProps) {
    super(scope, id);
    const owner = 'KasmIngress';
    assertPlainObject(owner, 'props', props, true);
    if (!props.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane to expose');
    const cp = props.controlPlane;
    this.hostnames = frontDoorHostnames(owner, props.hostname, props.alternativeHostnames);
    this.ingressClassName = props.ingressClassName ?? cp.cluster.ingressClassName;
    assertDnsSubdomain(owner, 'ingressClassName', this.ingressClassName);
    this.controller = props.controller ?? cp.cluster.ingressController;
    if (!(this.controller instanceof NetworkPeer)) fail(owner, 'controller', this.controller, 'is not a NetworkPeer; use NetworkPeer.pods(namespace, labels)');
    this.tlsSecretName = props.tlsSecretName ?? cp.secrets.ingressTlsSecretName;
    assertDnsSubdomain(owner, 'tlsSecretName', this.tlsSecretName);
    this.backendPort = cp.proxyHttpPort;
    if (props.tlsSecretName !== undefined) {
      DoctorDeclarations.of(this).declare({ kind: ReferencedKind.SECRET, namespace: cp.namespace, name: this.tlsSecretName, reason: 'KasmIngress tlsSecretName' });
    }

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': componentLabel(ComponentId.PROXY) };
    const backend: k8s.IngressBackend = {
      service: { name: cp.proxyServiceName, port: { number: this.backendPort } },
    };
    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: cp.name,
        namespace: cp.namespace,
        labels,
        annotations: {
          ...waveAnnotation(SyncWave.INGRESS),
          'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
          'traefik.ingress.kubernetes.io/router.tls': 'true',
        },
      },
      spec: {
        ingressClassName: this.ingressClassName,
        tls: [{ hosts: [...this.hostnames], secretName: this.tlsSecretName }],
        rules: this.hostnames.map((host) => ({
          host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend }] },
        })),
      },
    });
  }
}
