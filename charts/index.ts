/**
 * The variants, composed from the constructs of `cdk8s-kasm` only: K3sDev, K3sProd and Rke2Cnpg, and the list this
 * repository synthesizes into `dist/`.
 *
 * @module cdk8s-kasm/charts
 */
import { Variant } from '../lib/gitops/dist-writer';
import { K3sDev } from './k3s-dev';
import { K3sProd } from './k3s-prod';
import { Rke2Cnpg } from './rke2-cnpg';

export type { KasmAfterInstallProps, VariantRdpOptions } from './after-install';
export * from './compose';
export type { FrontDoorChoice } from './front-door';
export * from './k3s-common';
export * from './k3s-dev';
export * from './k3s-prod';
export * from './rke2-cnpg';
export type { InstallSpec, K3sDevSpec, K3sProdSpec, Rke2CnpgSpec } from './spec/install-spec';
export type { ValuesVariant } from './spec/language';

/** The variants this repository publishes under `dist/`, each a folder Argo CD or Flux can pull. */
export const VARIANTS: readonly Variant[] = [
  { name: 'k3s-dev', build: (app) => new K3sDev(app, 'k3s-dev') },
  { name: 'k3s-prod', build: (app) => new K3sProd(app, 'k3s-prod', { hostname: 'kasm.example.com' }) },
  { name: 'rke2-cnpg', build: (app) => new Rke2Cnpg(app, 'rke2-cnpg', { hostname: 'kasm.example.com' }) },
];
