import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import { HelmChartConfig } from '../../imports/helm-helmchartconfig-helm.cattle.io';
import { KasmControlPlane } from '../control-plane/control-plane';
import { componentLabel, instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { ComponentId } from '../contract/types';
import {
  assertDnsSubdomain, assertHostname, assertUnique, assertWholeSeconds, fail,
} from '../core/validation';

/** Props for {@link KasmIngress}. */
export interface KasmIngressProps {
  /** The control plane whose proxy receives the traffic. */
  readonly controlPlane: KasmControlPlane;
  /** Host name users type in the browser, e.g. 'kasm.example.com'. */
  readonly hostname: string;
  /** More host names served by the same proxy (each gets a rule and a TLS entry). @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** IngressClass of the controller; K3s bundles Traefik as `traefik`. @default 'traefik' */
  readonly ingressClassName?: string;
  /** `kubernetes.io/tls` Secret with a certificate for every host name. @default - the control plane's secrets.ingressTlsSecretName */
  readonly tlsSecretName?: string;
  /**
   * Also write a HelmChartConfig that raises K3s's bundled Traefik's entrypoint timeouts to {@link sessionTimeout}.
   * Traefik's defaults (60 s read, 180 s idle) cut idle desktop streams. Turn it off if you manage Traefik's values
   * yourself: K3s reads only one HelmChartConfig named `traefik`.
   * @default true
   */
  readonly configureTraefikTimeouts?: boolean;
  /** Idle timeout of desktop streams at Traefik. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
}

/**
 * The front door: an Ingress for Traefik that sends every host name to the Kasm proxy's HTTP listener, with TLS
 * terminated at Traefik from a Secret referenced by name.
 *
 * Differs from the 1.16 chart on purpose: every alternative host name gets a rule (the chart only added them to
 * TLS), `/api/` is not routed around the proxy (1.18's chart dropped that too), and the router is bound to the
 * `websecure` entrypoint, because Kasm builds desktop URLs from the browser's scheme and does not work over HTTP.
 */
export class KasmIngress extends Construct {
  public readonly hostnames: readonly string[];
  public readonly ingressClassName: string;
  public readonly tlsSecretName: string;
  public readonly ingress: k8s.KubeIngress;
  /** The Traefik HelmChartConfig, when {@link KasmIngressProps.configureTraefikTimeouts} is on. */
  public readonly traefikConfig?: HelmChartConfig;

  constructor(scope: Construct, id: string, props: KasmIngressProps) {
    super(scope, id);
    const owner = 'KasmIngress';
    if (!props?.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane to expose');
    const cp = props.controlPlane;
    assertHostname(owner, 'hostname', props.hostname);
    const alternatives = props.alternativeHostnames ?? [];
    alternatives.forEach((h, i) => assertHostname(owner, `alternativeHostnames[${i}]`, h));
    this.hostnames = [props.hostname, ...alternatives];
    assertUnique(owner, 'hostname/alternativeHostnames', this.hostnames);
    this.ingressClassName = props.ingressClassName ?? 'traefik';
    assertDnsSubdomain(owner, 'ingressClassName', this.ingressClassName);
    this.tlsSecretName = props.tlsSecretName ?? cp.secrets.ingressTlsSecretName;
    assertDnsSubdomain(owner, 'tlsSecretName', this.tlsSecretName);
    const timeoutSeconds = (props.sessionTimeout ?? Duration.minutes(30)).toSeconds({ integral: false });
    assertWholeSeconds(owner, 'sessionTimeout', timeoutSeconds, 60, 86400);

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': componentLabel(ComponentId.PROXY) };
    const proxy = cp.proxyService;
    const backend: k8s.IngressBackend = {
      service: { name: proxy.name, port: { number: cp.proxyHttpPort } },
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

    if (props.configureTraefikTimeouts ?? true) {
      const timeouts = { readTimeout: `${timeoutSeconds}s`, writeTimeout: `${timeoutSeconds}s`, idleTimeout: `${timeoutSeconds}s` };
      const values = { ports: { web: { transport: { respondingTimeouts: timeouts } }, websecure: { transport: { respondingTimeouts: timeouts } } } };
      this.traefikConfig = new HelmChartConfig(this, 'TraefikTimeouts', {
        metadata: {
          // K3s's helm-controller merges a HelmChartConfig of the chart's own name and namespace into its values.
          name: 'traefik',
          namespace: 'kube-system',
          labels,
          annotations: waveAnnotation(SyncWave.INGRESS),
        },
        spec: { valuesContent: yaml.dump(values, { sortKeys: true, lineWidth: -1 }) },
      });
    }
  }
}
