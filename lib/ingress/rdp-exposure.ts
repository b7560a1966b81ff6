/**
 * Native RDP clients (mstsc, Remmina) reach Kasm's RDP gateway on 3389 from outside the cluster: through a Traefik
 * TCP entrypoint (`IngressRouteTCP`) or a LoadBalancer Service. The official 1.16 chart did not expose RDP at all.
 * RDP over HTTPS needs nothing here: the proxy routes `/remoteDesktopGateway` and `/rpc` through the web front door.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { IngressRouteTcp, IngressRouteTcpSpecRoutesServicesPort } from '../../imports/traefik-ingressroutetcp-traefik.io';
import { PORTS } from '../contract/ports';
import { podPorts } from '../contract/pod';
import { ComponentId } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { componentLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { addNotes, NotesOrder } from '../core/notes';
import {
  assertCidr, assertDnsLabel, assertHostname, assertInteger, assertOneOf, assertPlainObject, assertStringList, fail, show,
} from '../core/validation';
import { NetworkPeer } from '../security/network-peer';

/** How RDP clients reach the gateway. */
export enum RdpExposureKind {
  /** A Traefik TCP router on an entrypoint of its own (K3s and RKE2 ship Traefik). */
  TRAEFIK_TCP = 'traefikTcp',
  /** A LoadBalancer Service (K3s's ServiceLB, MetalLB, a cloud load balancer). */
  LOAD_BALANCER = 'loadBalancer',
}

/** Connections from outside the namespace that an exposure brings to one component; KasmSecurity admits exactly these. */
export interface InboundFlow {
  readonly component: ComponentId;
  readonly port: number;
  readonly from: NetworkPeer;
  readonly purpose: string;
}

/** Something that opens a component to traffic from outside the namespace. */
export interface IKasmExposure extends IConstruct {
  readonly inbound: readonly InboundFlow[];
}

/** Props for {@link KasmRdpExposure}. */
export interface KasmRdpExposureProps {
  readonly controlPlane: IKasmControlPlane;
  /** @default RdpExposureKind.TRAEFIK_TCP */
  readonly kind?: RdpExposureKind;
  /** Traefik entrypoint that listens for RDP (TRAEFIK_TCP); TraefikTimeouts declares it on K3s and RKE2. @default 'rdp' */
  readonly entryPoint?: string;
  /** The Traefik pods (TRAEFIK_TCP). @default - the cluster profile's ingress controller */
  readonly controller?: NetworkPeer;
  /** Port RDP clients connect to: the LoadBalancer's port, or the Traefik entrypoint's (for NOTES.md). @default 3389 */
  readonly port?: number;
  /**
   * Client address ranges the LoadBalancer and the NetworkPolicy admit (LOAD_BALANCER). The Service keeps client
   * addresses (`externalTrafficPolicy: Local`), so the policy can match them.
   * @default ['0.0.0.0/0'] - any client; narrow it to your offices or VPN
   */
  readonly clientCidrs?: readonly string[];
  /**
   * Host name RDP clients connect to: in NOTES.md, and the address Kasm 1.19's RDP gateway registers.
   * @default - the Traefik or load balancer address, to be filled in; the gateway registers its Service name
   */
  readonly hostname?: string;
}

/** Traefik's HTTP entry points in K3s and RKE2, and their ports: the front door's, never RDP's. */
const FRONT_DOOR_ENTRY_POINTS: readonly string[] = ['web', 'websecure'];
const FRONT_DOOR_PORTS: readonly number[] = [80, 443];

/**
 * The RDP gateway's native port published to RDP clients, with the flow KasmSecurity admits (pass it in
 * `KasmSecurity.exposures`): from the Traefik pods, or from the client ranges.
 */
export class KasmRdpExposure extends Construct implements IKasmExposure {
  public readonly kind: RdpExposureKind;
  public readonly inbound: readonly InboundFlow[];
  /** The component that terminates native RDP (the RDP gateway, or a release's merged connection proxy). */
  public readonly component: ComponentId;
  /** Port RDP clients connect to. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: KasmRdpExposureProps) {
    super(scope, id);
    const owner = 'KasmRdpExposure';
    assertPlainObject(owner, 'props', props, true);
    if (!props.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane whose RDP gateway to expose');
    const cp = props.controlPlane;
    this.kind = props.kind ?? RdpExposureKind.TRAEFIK_TCP;
    assertOneOf(owner, 'kind', this.kind, Object.values(RdpExposureKind));
    const gateway = nativeRdpComponent(owner, cp);
    this.component = gateway;
    const contract = cp.contractOf(gateway);
    const labels = componentLabels(cp.name, cp.version.version, `${contract.workloadName}-rdp`, gateway);
    const meta = { name: `${cp.name}-rdp`, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.INGRESS) };

    if (this.kind === RdpExposureKind.TRAEFIK_TCP) {
      if (props.clientCidrs !== undefined) {
        fail(owner, 'clientCidrs', props.clientCidrs, 'applies to kind LOAD_BALANCER only: Traefik\'s Service is shared, so the policy admits the Traefik pods');
      }
      const entryPoint = props.entryPoint ?? 'rdp';
      assertDnsLabel(owner, 'entryPoint', entryPoint);
      const controller = props.controller ?? cp.cluster.ingressController;
      if (!(controller instanceof NetworkPeer) || controller.end.kind !== 'pods') fail(owner, 'controller', controller, 'is not the Traefik pods; pass NetworkPeer.pods(namespace, labels)');
      this.port = props.port ?? PORTS.rdpNative;
      assertInteger(owner, 'port', this.port, 1, 65535);
      // A catch-all TCP route on the front door's own entry point would take every HTTPS connection from the web UI.
      if (FRONT_DOOR_ENTRY_POINTS.includes(entryPoint)) {
        fail(owner, 'entryPoint', entryPoint, `is the front door's own entry point (${FRONT_DOOR_ENTRY_POINTS.join(', ')}); give RDP an entry point of its own, e.g. 'rdp'`);
      }
      if (FRONT_DOOR_PORTS.includes(this.port)) {
        fail(owner, 'port', this.port, `is a port of the front door's entry points (${FRONT_DOOR_PORTS.join(', ')}); RDP needs its own, e.g. 3389`);
      }
      new IngressRouteTcp(this, 'Route', {
        metadata: meta,
        spec: {
          entryPoints: [entryPoint],
          // Native RDP negotiates TLS inside its own protocol: no SNI for Traefik to match, so the entrypoint is RDP's alone.
          routes: [{ match: 'HostSNI(`*`)', services: [{ name: contract.serviceName, port: IngressRouteTcpSpecRoutesServicesPort.fromNumber(PORTS.rdpNative) }] }],
        },
      });
      this.inbound = [{ component: gateway, port: PORTS.rdpNative, from: controller, purpose: `native RDP from Traefik's ${entryPoint} entrypoint` }];
    } else {
      if (props.entryPoint !== undefined || props.controller !== undefined) {
        fail(owner, props.entryPoint !== undefined ? 'entryPoint' : 'controller', props.entryPoint ?? props.controller, 'applies to kind TRAEFIK_TCP only');
      }
      this.port = props.port ?? PORTS.rdpNative;
      assertInteger(owner, 'port', this.port, 1, 65535);
      const clientCidrs = props.clientCidrs ?? ['0.0.0.0/0'];
      assertStringList(owner, 'clientCidrs', clientCidrs, assertCidr);
      if (clientCidrs.length === 0) fail(owner, 'clientCidrs', clientCidrs, 'is empty, which would admit no client; pass at least one range, e.g. [\'203.0.113.0/24\']');
      new k8s.KubeService(this, 'Service', {
        metadata: meta,
        spec: {
          type: 'LoadBalancer',
          // Keep the client's address, so the NetworkPolicy below can match it.
          externalTrafficPolicy: 'Local',
          ...(clientCidrs.includes('0.0.0.0/0') ? {} : { loadBalancerSourceRanges: [...clientCidrs] }),
          selector: cp.selectorOf(gateway),
          ports: [{ name: 'rdp', port: this.port, targetPort: k8s.IntOrString.fromNumber(PORTS.rdpNative), protocol: 'TCP' }],
        },
      });
      this.inbound = [{
        component: gateway, port: PORTS.rdpNative, from: NetworkPeer.outsideCluster(owner, 'clientCidrs', clientCidrs, cp.cluster.clusterCidrs, 'rdp-clients'), purpose: 'native RDP clients through the load balancer',
      }];
    }
    if (props.hostname !== undefined) {
      assertHostname(owner, 'hostname', props.hostname);
      // 1.19's gateway registers the address its clients are given (the official chart's rdpAccessURL).
      cp.advertiseRdpHostname?.(owner, props.hostname);
    }
    const address = `${props.hostname ?? '<the address of Traefik or the load balancer>'}:${this.port}`;
    addNotes(this, {
      order: NotesOrder.RDP,
      title: 'Connect with an RDP client',
      body: [
        `Native RDP is published ${this.kind === RdpExposureKind.TRAEFIK_TCP ? `on Traefik's \`${(props.entryPoint ?? 'rdp')}\` entrypoint` : 'by the LoadBalancer Service'} `
          + `\`${meta.name}\`; clients connect to \`${address}\`.`,
        'In Kasm, set the RDP address users are given to that address (Admin → Infrastructure → Connection Proxies, or the server\'s RDP settings).',
        'RDP over HTTPS (the RD Gateway protocol) needs no extra port: it goes through the web front door (`/remoteDesktopGateway`, `/rpc`).',
      ].join('\n\n'),
    });
  }
}

/** The component that terminates native RDP on 3389 (the RDP gateway, or a release's merged connection proxy). */
export function nativeRdpComponent(owner: string, cp: IKasmControlPlane): ComponentId {
  const gateway = [ComponentId.RDP_GATEWAY, ComponentId.CONNECTION_PROXY]
    .find((c) => cp.components.includes(c) && podPorts(cp.contractOf(c)).some((p) => p.port === PORTS.rdpNative));
  if (!gateway) {
    fail(owner, 'controlPlane', cp.node.path, `deploys no component listening for native RDP on ${PORTS.rdpNative} (deployed: ${cp.components.map(show).join(', ')}); enable the RDP gateway`);
  }
  return gateway;
}
