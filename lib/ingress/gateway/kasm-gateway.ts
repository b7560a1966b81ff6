/**
 * The Gateway API front door: HTTPRoutes to the proxy's HTTPS port with the stream timeouts sessions need, a
 * BackendTLSPolicy that verifies the proxy's certificate against the internal CA (what the seed's plain Ingress could
 * not do), a TCPRoute for native RDP, and, when it creates the Gateway, its listeners and the ReferenceGrant its
 * certificate needs. What depends on the implementation comes from its row in `implementations.ts`.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BackendTlsPolicy } from '../../../imports/gateway-backendtlspolicy-gateway.networking.k8s.io';
import { Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../../../imports/gateway-gateway-gateway.networking.k8s.io';
import { HttpRoute, HttpRouteSpecRules, HttpRouteSpecRulesMatchesPathType } from '../../../imports/gateway-httproute-gateway.networking.k8s.io';
import { ReferenceGrant } from '../../../imports/gateway-referencegrant-gateway.networking.k8s.io';
import { TcpRoute } from '../../../imports/gateway-tcproute-gateway.networking.k8s.io';
import { PORTS } from '../../contract/ports';
import { DoctorDeclarations, ReferencedKind } from '../../doctor/declarations';
import { ComponentId } from '../../contract/types';
import { IKasmControlPlane } from '../../control-plane/interface';
import { componentLabel, instanceLabels, SyncWave, waveAnnotation } from '../../core/metadata';
import { assertDnsSubdomain, assertPlainObject, fail } from '../../core/validation';
import { NetworkPeer, NAMESPACE_NAME_LABEL } from '../../security/network-peer';
import { BackendScheme, frontDoorHostnames, IKasmFrontDoor } from '../interface';
import { IKasmExposure, InboundFlow, nativeRdpComponent } from '../rdp-exposure';
import { addGatewayNotes } from './notes';
import { GatewayPlan, gatewayDuration, KasmGatewayOptions, planGateway } from './options';

/** Props for {@link KasmGateway}. */
export interface KasmGatewayProps extends KasmGatewayOptions {
  /** The control plane whose proxy receives the traffic. */
  readonly controlPlane: IKasmControlPlane;
  /** Host name users browse to. */
  readonly hostname: string;
  /** More host names. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** `kubernetes.io/tls` Secret of the host names (a created Gateway's listener certificate). @default - the control plane's secrets.ingressTlsSecretName */
  readonly tlsSecretName?: string;
  /** How long an idle desktop stream may last (HTTPRoute request and backend timeouts). @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
}

/** A Gateway API front door in front of the proxy's HTTPS listener, with the proxy's certificate verified. */
export class KasmGateway extends Construct implements IKasmFrontDoor, IKasmExposure {
  public readonly hostnames: readonly string[];
  public readonly tlsSecretName: string;
  /** The gateway's pods: the NetworkPolicies admit them, and only them, to the proxy (and the RDP gateway). */
  public readonly controller: NetworkPeer;
  public readonly backendPort: number;
  public readonly backendScheme = BackendScheme.HTTPS;
  /** Native RDP from the gateway's pods to the RDP gateway, when `rdp` is set. */
  public readonly inbound: readonly InboundFlow[];
  /** The name the BackendTLSPolicy expects on the proxy's certificate (a SAN of the proxy certificate). */
  public readonly serverName: string;
  public readonly plan: GatewayPlan;
  public readonly httpRoute: HttpRoute;
  public readonly backendTlsPolicy: BackendTlsPolicy;
  public readonly tcpRoute?: TcpRoute;
  public readonly gateway?: Gateway;
  public readonly referenceGrant?: ReferenceGrant;

  constructor(scope: Construct, id: string, props: KasmGatewayProps) {
    super(scope, id);
    const owner = 'KasmGateway';
    assertPlainObject(owner, 'props', props, true);
    const cp = props.controlPlane;
    if (!cp || typeof cp.selectorOf !== 'function') fail(owner, 'controlPlane', cp, 'is required; pass the KasmControlPlane to expose');
    this.hostnames = frontDoorHostnames(owner, props.hostname, props.alternativeHostnames);
    this.tlsSecretName = props.tlsSecretName ?? cp.secrets.ingressTlsSecretName;
    assertDnsSubdomain(owner, 'tlsSecretName', this.tlsSecretName);
    const plan = planGateway(owner, cp, props, props.sessionTimeout);
    this.plan = plan;
    this.controller = plan.pods;
    this.backendPort = cp.proxyHttpsPort;
    this.serverName = `${cp.proxyServiceName}.${cp.namespace}.svc`;
    const rdpComponent = plan.rdp === undefined ? undefined : nativeRdpComponent(owner, cp);
    this.inbound = rdpComponent === undefined ? [] : [{
      component: rdpComponent, port: PORTS.rdpNative, from: plan.pods, purpose: `native RDP through ${plan.implementation.name}'s TCPRoute`,
    }];

    const labels = { ...instanceLabels(cp.name, cp.version.version), 'app.kubernetes.io/component': componentLabel(ComponentId.PROXY) };
    const meta = (name: string, namespace = cp.namespace) => ({ name, namespace, labels, annotations: waveAnnotation(SyncWave.INGRESS) });
    const parentRefs = (sectionName?: string) => plan.parents.map((p) => ({
      group: 'gateway.networking.k8s.io', kind: 'Gateway', name: p.name, namespace: p.namespace,
      ...(sectionName ?? p.sectionName ? { sectionName: sectionName ?? p.sectionName } : {}),
    }));

    if (plan.create !== undefined) {
      const c = plan.create;
      const sameNamespace = c.namespace === cp.namespace;
      const allowedRoutes = (kind: string) => ({
        kinds: [{ group: 'gateway.networking.k8s.io', kind }],
        namespaces: sameNamespace
          ? { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }
          : { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: cp.namespace } } },
      });
      // The Gateway's namespace belongs to the platform team: it exists, this app does not create it.
      if (!sameNamespace) DoctorDeclarations.of(this).declare({ kind: ReferencedKind.NAMESPACE, name: c.namespace, reason: 'KasmGateway create.namespace (the Gateway\'s namespace exists)' });
      this.gateway = new Gateway(this, 'Gateway', {
        metadata: meta(c.name, c.namespace),
        spec: {
          gatewayClassName: c.className,
          listeners: [
            {
              name: 'https', protocol: 'HTTPS', port: c.httpsPort,
              tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: this.tlsSecretName, ...(sameNamespace ? {} : { namespace: cp.namespace }) }] },
              allowedRoutes: allowedRoutes('HTTPRoute'),
            },
            ...(plan.rdp ? [{ name: plan.rdp.sectionName, protocol: 'TCP', port: plan.rdp.port, allowedRoutes: allowedRoutes('TCPRoute') }] : []),
          ],
        },
      });
      if (!sameNamespace) {
        // The certificate Secret stays with the control plane; the Gateway in another namespace may read exactly it.
        this.referenceGrant = new ReferenceGrant(this, 'CertificateGrant', {
          metadata: meta(`${cp.name}-gateway-certificate`),
          spec: {
            from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: c.namespace }],
            to: [{ group: '', kind: 'Secret', name: this.tlsSecretName }],
          },
        });
      }
    }

    this.httpRoute = new HttpRoute(this, 'HttpRoute', {
      metadata: meta(cp.name),
      spec: { parentRefs: parentRefs(), hostnames: [...this.hostnames], rules: httpRules(cp, plan, this.backendPort) },
    });
    this.backendTlsPolicy = new BackendTlsPolicy(this, 'BackendTlsPolicy', {
      metadata: meta(`${cp.name}-proxy`),
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: cp.proxyServiceName }],
        validation: { hostname: this.serverName, caCertificateRefs: [{ group: '', kind: plan.backendCa.kind, name: plan.backendCa.name }] },
      },
    });
    if (rdpComponent !== undefined) {
      const service = cp.serviceNameOf?.(rdpComponent) ?? cp.contractOf(rdpComponent).serviceName;
      this.tcpRoute = new TcpRoute(this, 'TcpRoute', {
        metadata: meta(`${cp.name}-rdp`),
        spec: { parentRefs: parentRefs(plan.rdp!.sectionName), rules: [{ backendRefs: [{ name: service, port: PORTS.rdpNative }] }] },
      });
    }
    addGatewayNotes(this, cp, this, plan);
  }
}

/**
 * One rule per timeout the proxy's route table gives its long-lived paths (RDP over HTTPS, Guacamole streams), and
 * `/` for every other path the proxy serves (its nginx routes them itself, desktop websockets included), all to 8443.
 */
function httpRules(cp: IKasmControlPlane, plan: GatewayPlan, port: number): HttpRouteSpecRules[] {
  const proxy = cp.version.contract.proxy;
  const groups = new Map<number, string[]>();
  for (const route of proxy.routes) {
    if (!route.location.startsWith('/') || !('longLived' in route && route.longLived)) continue;
    if (!cp.components.includes(proxy.routeOwners[route.location])) continue;
    const seconds = ('timeoutSeconds' in route && route.timeoutSeconds) || plan.timeoutSeconds;
    groups.set(seconds, [...(groups.get(seconds) ?? []), route.location]);
  }
  const backendRefs = [{ group: '', kind: 'Service', name: cp.proxyServiceName, port }];
  const timeouts = (seconds: number) => (plan.implementation.httpRouteTimeouts
    ? { timeouts: { request: gatewayDuration(seconds), backendRequest: gatewayDuration(seconds) } } : {});
  const rules: HttpRouteSpecRules[] = [...groups.entries()].sort(([a], [b]) => a - b).map(([seconds, locations]) => ({
    name: `streams-${seconds}s`,
    matches: locations.sort().map((value) => ({ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value } })),
    backendRefs,
    ...timeouts(seconds),
  }));
  rules.push({ name: 'web', matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }], backendRefs, ...timeouts(plan.timeoutSeconds) });
  return rules;
}
