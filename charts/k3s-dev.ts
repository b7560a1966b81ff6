import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { KasmDatabase } from '../lib/database/kasm-database';
import { KasmIngress } from '../lib/ingress/kasm-ingress';
import { KasmGateway } from '../lib/ingress/gateway/kasm-gateway';
import { IKasmFrontDoor } from '../lib/ingress/interface';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { KasmSecurity } from '../lib/security/kasm-security';
import { buildFromSpec, K3sDevSpec } from './spec/install-spec';
import { composeKasm } from './compose';
import { k3sProfile, KasmK3sProps } from './k3s-common';

/** Props for {@link K3sDev}. */
// Defined so it can grow without breaking callers (the style guide's advice for props structs).
export interface K3sDevProps extends KasmK3sProps {
}

/**
 * Kasm on a single-node K3s box for development: Kasm's own PostgreSQL on `local-path`, one replica of each
 * component sized to fit 2 vCPU / 4 GiB, and K3s's bundled Traefik in front.
 */
export class K3sDev extends Chart {
  public readonly database: KasmDatabase;
  public readonly controlPlane: KasmControlPlane;
  /** The variant's Traefik front door; undefined when `frontDoor` chose the Gateway API one. */
  public readonly ingress?: KasmIngress;
  /** The Gateway API front door, when `frontDoor` chose it. */
  public readonly gateway?: KasmGateway;
  /** The front door built, whichever it is. */
  public readonly frontDoor: IKasmFrontDoor;
  public readonly security: KasmSecurity;
  public readonly traefikTimeouts?: TraefikTimeouts;

  /**
   * The variant from an install spec: plain data shaped like a values file (`database: { storage: { size: '50Gi' } }`),
   * checked and mapped onto the props as `cdk8s-kasm synth --values` does; errors name the key path.
   * @param source what errors call the spec, e.g. its file name
   */
  public static fromSpec(scope: Construct, id: string, spec: K3sDevSpec = {}, source = 'spec'): K3sDev {
    return buildFromSpec('k3s-dev', spec, source, (props) => new K3sDev(scope, id, props));
  }

  constructor(scope: Construct, id: string, props: K3sDevProps = {}) {
    // No chart-level namespace: cdk8s would stamp it onto cluster-scoped objects too; every construct sets its own.
    super(scope, id, { disableResourceNameHashes: true });
    const built = composeKasm(this, props, k3sProfile(props, {
      owner: 'K3sDev',
      hostname: 'kasm.local',
      size: SizePreset.DEV,
      databaseStorage: Size.gibibytes(10),
      cluster: ClusterProfile.k3s(),
      // The smallest supported box (docs/variants.md): one 2 vCPU / 4 GiB node.
      nodes: [{ count: 1, cpu: '2', memory: '4Gi' }],
      alerts: false,
    }));
    this.database = built.database;
    this.controlPlane = built.controlPlane;
    this.ingress = built.ingress;
    this.gateway = built.gateway;
    this.frontDoor = built.frontDoor;
    this.security = built.security;
    this.traefikTimeouts = built.traefikTimeouts;
  }
}
