import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import { HelmChartConfig } from '../../imports/helm-helmchartconfig-helm.cattle.io';
import { ClusterProfile } from '../cluster/profile';
import { MANAGED_BY, LABELS, SyncWave, waveAnnotation } from '../core/metadata';
import { assertDnsLabel, assertDuration, assertInteger, assertPlainObject, assertWholeSeconds, fail } from '../core/validation';

/** Props for {@link TraefikTimeouts}. */
export interface TraefikTimeoutsProps {
  /** The cluster whose packaged Traefik is configured (its HelmChartConfig name). @default ClusterProfile.k3s() */
  readonly cluster?: ClusterProfile;
  /** Read, write and idle timeout of Traefik's `web` and `websecure` entrypoints. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
  /**
   * A TCP entrypoint for native RDP (KasmRdpExposure's TRAEFIK_TCP), exposed on Traefik's LoadBalancer Service.
   * @default - none: Traefik listens on web and websecure only
   */
  readonly rdpEntryPoint?: TraefikTcpEntryPoint;
  /**
   * Turn on Traefik's Gateway API provider (KasmGateway on the packaged Traefik); `experimentalChannel` also makes it
   * watch TCPRoutes (native RDP).
   * @default - off: Traefik serves Ingress and IngressRoute only
   */
  readonly gatewayApi?: TraefikGatewayApi;
}

/** Traefik's Kubernetes Gateway provider, as a Gateway API front door on the packaged Traefik needs it. */
export interface TraefikGatewayApi {
  /** Also watch TCPRoutes (native RDP); Traefik documents this as needing the experimental-channel CRDs. @default false */
  readonly experimentalChannel?: boolean;
}

/** A plain TCP entrypoint of the packaged Traefik. */
export interface TraefikTcpEntryPoint {
  /** Entrypoint name, which IngressRouteTCP objects name. @default 'rdp' */
  readonly name?: string;
  /** Port Traefik listens on and its Service exposes. @default 3389 */
  readonly port?: number;
}

/**
 * Raises the entrypoint timeouts of the Traefik that K3s or RKE2 packages, through the HelmChartConfig its
 * helm-controller merges into Traefik's values. Traefik's defaults (60 s read, 180 s idle) cut idle desktop streams.
 *
 * Cluster-wide and once per cluster: the helm-controller reads exactly one HelmChartConfig of the chart's name in
 * kube-system, so two Kasm installs must not both write it (the doctor rejects a second one in the same app). Leave
 * it out if you manage Traefik's values yourself.
 */
export class TraefikTimeouts extends Construct {
  public readonly helmChartConfig: HelmChartConfig;
  public readonly timeoutSeconds: number;
  /** The RDP entrypoint's name, when one is declared. */
  public readonly rdpEntryPoint?: string;

  constructor(scope: Construct, id: string, props: TraefikTimeoutsProps = {}) {
    super(scope, id);
    const owner = 'TraefikTimeouts';
    assertPlainObject(owner, 'props', props);
    const cluster = props.cluster ?? ClusterProfile.k3s();
    if (!(cluster instanceof ClusterProfile)) fail(owner, 'cluster', cluster, 'is not a ClusterProfile; use ClusterProfile.k3s() or ClusterProfile.rke2()');
    if (!cluster.traefikHelmChartConfigName) {
      fail(owner, 'cluster', cluster.name, 'has no packaged Traefik (traefikHelmChartConfigName is unset); configure your ingress controller\'s timeouts yourself');
    }
    const sessionTimeout = props.sessionTimeout ?? Duration.minutes(30);
    assertDuration(owner, 'sessionTimeout', sessionTimeout);
    this.timeoutSeconds = sessionTimeout.toSeconds({ integral: false });
    assertWholeSeconds(owner, 'sessionTimeout', this.timeoutSeconds, 60, 86400);
    const timeouts = { readTimeout: `${this.timeoutSeconds}s`, writeTimeout: `${this.timeoutSeconds}s`, idleTimeout: `${this.timeoutSeconds}s` };
    const ports: Record<string, unknown> = { web: { transport: { respondingTimeouts: timeouts } }, websecure: { transport: { respondingTimeouts: timeouts } } };
    if (props.rdpEntryPoint !== undefined) {
      assertPlainObject(owner, 'rdpEntryPoint', props.rdpEntryPoint, true);
      const name = props.rdpEntryPoint.name ?? 'rdp';
      assertDnsLabel(owner, 'rdpEntryPoint.name', name);
      if (name === 'web' || name === 'websecure' || name === 'traefik' || name === 'metrics') fail(owner, 'rdpEntryPoint.name', name, 'is one of Traefik\'s own entrypoints; pick another name, e.g. \'rdp\'');
      const port = props.rdpEntryPoint.port ?? 3389;
      assertInteger(owner, 'rdpEntryPoint.port', port, 1, 65535);
      // RDP sessions idle for long stretches too: the same timeouts as the desktop streams.
      // A copy: a shared object becomes a YAML alias, and `rdp` sorts before the anchor on `web`, which YAML cannot read.
      ports[name] = { port, exposedPort: port, expose: { default: true }, protocol: 'TCP', transport: { respondingTimeouts: { ...timeouts } } };
    }
    this.rdpEntryPoint = props.rdpEntryPoint === undefined ? undefined : props.rdpEntryPoint.name ?? 'rdp';
    const values: Record<string, unknown> = { ports };
    if (props.gatewayApi !== undefined) {
      assertPlainObject(owner, 'gatewayApi', props.gatewayApi, true);
      const experimental = props.gatewayApi.experimentalChannel ?? false;
      if (typeof experimental !== 'boolean') fail(owner, 'gatewayApi.experimentalChannel', experimental, 'is not a boolean');
      // The listeners of a Gateway on Traefik use these entrypoints' ports (websecure 8443, the rdp entrypoint's own).
      values.providers = { kubernetesGateway: { enabled: true, ...(experimental ? { experimentalChannel: true } : {}) } };
    }
    this.helmChartConfig = new HelmChartConfig(this, 'Resource', {
      metadata: {
        name: cluster.traefikHelmChartConfigName,
        namespace: 'kube-system',
        // Shared by every Kasm install of the cluster, so no instance label.
        labels: { [LABELS.partOf]: 'kasm', [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'traefik-timeouts' },
        annotations: waveAnnotation(SyncWave.INGRESS),
      },
      spec: { valuesContent: yaml.dump(values, { sortKeys: true, lineWidth: -1 }) },
    });
  }
}
