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
import { KasmScaling, KasmScalingOptions } from '../lib/scaling/kasm-scaling';
import { KasmSecurity } from '../lib/security/kasm-security';
import { buildFromSpec, K3sProdSpec } from './spec/install-spec';
import { composeKasm, publicCertificate, PublicCertificateProps } from './compose';
import { k3sProfile, KasmK3sProps } from './k3s-common';

/** Props for {@link K3sProd}; its public certificate comes from 'letsencrypt-prod' unless `ingressIssuerName` says otherwise. */
export interface K3sProdProps extends KasmK3sProps, PublicCertificateProps {
  /** HPA, PodDisruptionBudgets, spread and anti-affinity. @default - HPA for api, manager and proxy, PDBs, spread over nodes and zones */
  readonly scaling?: KasmScalingOptions;
}

/**
 * Kasm on multi-node K3s for production (a server plus two or more agents, Longhorn storage): Kasm's PostgreSQL on
 * `longhorn` with a 50 GiB volume, the medium preset with HPAs, PodDisruptionBudgets and spread across nodes, a
 * cert-manager Certificate for the public host names, and the same Traefik front door, timeouts, Pod Security and
 * NetworkPolicies as k3s-dev.
 */
export class K3sProd extends Chart {
  public readonly database: KasmDatabase;
  public readonly controlPlane: KasmControlPlane;
  /** The variant's Traefik front door; undefined when `frontDoor` chose the Gateway API one. */
  public readonly ingress?: KasmIngress;
  /** The Gateway API front door, when `frontDoor` chose it. */
  public readonly gateway?: KasmGateway;
  /** The front door built, whichever it is. */
  public readonly frontDoor: IKasmFrontDoor;
  public readonly security: KasmSecurity;
  public readonly scaling: KasmScaling;
  public readonly traefikTimeouts?: TraefikTimeouts;

  /**
   * The variant from an install spec: plain data shaped like a values file (`database: { storage: { size: '50Gi' } }`),
   * checked and mapped onto the props as `cdk8s-kasm synth --values` does; errors name the key path.
   * @param source what errors call the spec, e.g. its file name
   */
  public static fromSpec(scope: Construct, id: string, spec: K3sProdSpec, source = 'spec'): K3sProd {
    return buildFromSpec('k3s-prod', spec, source, (props) => new K3sProd(scope, id, props));
  }

  constructor(scope: Construct, id: string, props: K3sProdProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const built = composeKasm(this, props, k3sProfile(props, {
      owner: 'K3sProd',
      size: SizePreset.MEDIUM,
      databaseStorage: Size.gibibytes(50),
      cluster: ClusterProfile.k3s({ defaultStorageClass: 'longhorn' }),
      // The production shape (docs/variants.md): a server plus two agents, 8 vCPU / 16 GiB each: Kasm 1.19.0's medium
      // preset requests 16.7 vCPU with every HPA at its maximum, more than three 4 vCPU nodes hold.
      nodes: [{ count: 3, cpu: '8', memory: '16Gi' }],
      // Nightly at 02:00, seven dumps kept, on a Longhorn volume of their own.
      backup: {},
      alerts: true,
      ingressTls: publicCertificate(props, 'letsencrypt-prod'),
      scaling: props?.scaling ?? {},
    }));
    this.database = built.database;
    this.controlPlane = built.controlPlane;
    this.ingress = built.ingress;
    this.gateway = built.gateway;
    this.frontDoor = built.frontDoor;
    this.security = built.security;
    this.traefikTimeouts = built.traefikTimeouts;
    this.scaling = built.scaling!;
  }
}
