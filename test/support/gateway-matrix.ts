/** The variant x Gateway API front door matrix, shared by the variants test and the NetworkPolicy evaluation. */
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { GatewayImplementationId, Variant } from '../../lib';

/** One Gateway case per variant: attach (the common case), create on K3s's Traefik with RDP, Envoy Gateway on RKE2 with RDP. */
export const GATEWAY_MATRIX: Variant[] = [
  { name: 'k3s-dev behind an existing Traefik Gateway', build: (app) => new K3sDev(app, 'k3s-dev-gateway', {
    frontDoor: { kind: 'gateway', gateway: { parentRefs: [{ name: 'traefik-gateway', namespace: 'kube-system' }] } },
  }) },
  { name: 'k3s-prod creating its Gateway on Traefik, with native RDP through a TCPRoute', build: (app) => new K3sProd(app, 'k3s-prod-gateway', {
    hostname: 'kasm.example.com', rdp: {}, frontDoor: { kind: 'gateway', gateway: { create: {} } },
  }) },
  { name: 'rke2-cnpg behind Envoy Gateway, with native RDP through a TCPRoute', build: (app) => new Rke2Cnpg(app, 'rke2-cnpg-gateway', {
    hostname: 'kasm.example.com', rdp: {},
    frontDoor: { kind: 'gateway', gateway: { implementation: GatewayImplementationId.ENVOY_GATEWAY, parentRefs: [{ name: 'eg', namespace: 'envoy-gateway-system' }] } },
  }) },
];

