/**
 * The RKE2 front door: a Traefik IngressRoute to the proxy's HTTPS port, through a ServersTransport that verifies
 * the proxy's certificate against the internal CA. The seed deployment this replaces set `insecureSkipVerify`, which
 * lets anyone between Traefik and the proxy read every desktop stream; here skipping verification is an explicit,
 * reasoned opt-in.
 */
import { Construct } from 'constructs';
import {
  IngressRoute, IngressRouteSpecRoutesKind, IngressRouteSpecRoutesServicesKind, IngressRouteSpecRoutesServicesPort,
} from '../../imports/traefik-ingressroute-traefik.io';
import { ServersTransport } from '../../imports/traefik-serverstransport-traefik.io';
import { ComponentId } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { componentLabel, instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { assertDnsLabel, assertDnsSubdomain, assertPlainObject, fail } from '../core/validation';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { NetworkPeer } from '../security/network-peer';
import { BackendScheme, frontDoorHostnames, IKasmFrontDoor } from './interface';

/** How Traefik checks the proxy's certificate. */
export class BackendVerification {
  /** Verify against the CA in `caSecretName` (a Secret with `ca.crt`), for the proxy Service's name (the default). */
  public static verify(caSecretName?: string): BackendVerification {
    return new BackendVerification(false, caSecretName, undefined);
  }

  /**
   * Do not verify. Anyone on the path between Traefik and the proxy could then impersonate the proxy; say why
   * (e.g. 'lab cluster without an internal CA'), so the choice is visible in review.
   */
  public static skipVerifyAcknowledgingRisk(reason: string): BackendVerification {
    return new BackendVerification(true, undefined, reason);
  }

  private constructor(public readonly skip: boolean, public readonly caSecretName: string | undefined, public readonly reason: string | undefined) {}
}

/** Props for {@link KasmIngressRoute}. */
export interface KasmIngressRouteProps {
  /** The control plane whose proxy receives the traffic. */
  readonly controlPlane: IKasmControlPlane;
  /** Host name users browse to. */
  readonly hostname: string;
  /** More host names. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** Traefik entrypoint. @default 'websecure' */
  readonly entryPoint?: string;
  /** `kubernetes.io/tls` Secret of the host names. @default - the control plane's secrets.ingressTlsSecretName */
  readonly tlsSecretName?: string;
  /** How Traefik checks the proxy's certificate. @default BackendVerification.verify() with the internal CA `<name>-internal-ca` */
  readonly backendVerification?: BackendVerification;
  /** The controller pods. @default - the cluster profile's ingress controller (RKE2's Traefik) */
  readonly controller?: NetworkPeer;
}

/** A Traefik IngressRoute and a verifying ServersTransport in front of the proxy's HTTPS listener. */
export class KasmIngressRoute extends Construct implements IKasmFrontDoor {
  public readonly hostnames: readonly string[];
  public readonly tlsSecretName: string;
  public readonly controller: NetworkPeer;
  public readonly backendPort: number;
  public readonly backendScheme = BackendScheme.HTTPS;
  /** The name Traefik expects on the proxy's certificate (a SAN the generator and cert-manager plans include). */
  public readonly serverName: string;
  public readonly route: IngressRoute;
  public readonly serversTransport: ServersTransport;

  constructor(scope: Construct, id: string, props: KasmIngressRouteProps) {
    super(scope, id);
    const owner = 'KasmIngressRoute';
    assertPlainObject(owner, 'props', props, true);
    const cp = props.controlPlane;
    if (!cp || typeof cp.selectorOf !== 'function') fail(owner, 'controlPlane', cp, 'is required; pass the KasmControlPlane to expose');
    this.hostnames = frontDoorHostnames(owner, props.hostname, props.alternativeHostnames);
    const entryPoint = props.entryPoint ?? 'websecure';
    assertDnsLabel(owner, 'entryPoint', entryPoint);
    this.tlsSecretName = props.tlsSecretName ?? cp.secrets.ingressTlsSecretName;
    assertDnsSubdomain(owner, 'tlsSecretName', this.tlsSecretName);
    this.controller = props.controller ?? cp.cluster.ingressController;
    if (!(this.controller instanceof NetworkPeer)) fail(owner, 'controller', this.controller, 'is not a NetworkPeer');
    const verification = props.backendVerification ?? BackendVerification.verify();
    if (!(verification instanceof BackendVerification)) {
      fail(owner, 'backendVerification', verification, 'is not accepted; use BackendVerification.verify() or BackendVerification.skipVerifyAcknowledgingRisk(reason)');
    }
    if (verification.skip && (typeof verification.reason !== 'string' || verification.reason.trim().length < 10)) {
      fail(owner, 'backendVerification', verification.reason, 'skips certificate verification without a reason; say why in at least 10 characters, or verify against the internal CA');
    }
    const caSecretName = verification.caSecretName ?? `${cp.name}-internal-ca`;
    assertDnsSubdomain(owner, 'backendVerification.caSecretName', caSecretName);
    this.backendPort = cp.proxyHttpsPort;
    this.serverName = `${cp.proxyServiceName}.${cp.namespace}.svc`;

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': componentLabel(ComponentId.PROXY) };
    const meta = (name: string) => ({ name, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.INGRESS) });
    this.serversTransport = new ServersTransport(this, 'ServersTransport', {
      metadata: meta(`${cp.name}-proxy`),
      spec: verification.skip
        ? { insecureSkipVerify: true }
        : { serverName: this.serverName, rootCAs: [{ secret: caSecretName }] },
    });
    if (verification.skip) {
      this.serversTransport.metadata.addAnnotation('kasm.cdk8s.io/insecure-skip-verify-reason', verification.reason!);
    }
    this.route = new IngressRoute(this, 'Resource', {
      metadata: meta(cp.name),
      spec: {
        entryPoints: [entryPoint],
        routes: [{
          kind: IngressRouteSpecRoutesKind.RULE,
          match: this.hostnames.map((h) => `Host(\`${h}\`)`).join(' || '),
          services: [{
            kind: IngressRouteSpecRoutesServicesKind.SERVICE,
            name: cp.proxyServiceName,
            port: IngressRouteSpecRoutesServicesPort.fromNumber(this.backendPort),
            scheme: 'https',
            serversTransport: this.serversTransport.name,
          }],
        }],
        tls: { secretName: this.tlsSecretName },
      },
    });
    if (props.tlsSecretName !== undefined) {
      DoctorDeclarations.of(this).declare({ kind: ReferencedKind.SECRET, namespace: cp.namespace, name: this.tlsSecretName, reason: 'KasmIngressRoute tlsSecretName' });
    }
    if (verification.caSecretName !== undefined) {
      DoctorDeclarations.of(this).declare({ kind: ReferencedKind.SECRET, namespace: cp.namespace, name: caSecretName, reason: 'KasmIngressRoute backendVerification CA' });
    }
  }
}
