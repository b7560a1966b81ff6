/**
 * A checked values file onto a published variant: the install spec it parses into goes to the variant's `fromSpec`,
 * so `cdk8s-kasm synth --values` builds exactly what `K3sProd.fromSpec(app, 'k3s-prod', spec)` builds, with the
 * same errors (said about the file's keys). Keys left out stay unset: the chart's default, which is the printed one.
 */
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { ValuesVariant } from '../../charts/spec/language';
import { Variant } from '../../lib/gitops/dist-writer';
import { GitOpsSourceProps } from '../../lib/gitops/gitops-manifests';
import { Values } from './values-file';

/** The variant built from checked values (chart ids as in VARIANTS, so object names and paths match dist/). */
export function variantFromValues(variant: ValuesVariant, v: Values, file: string): Variant {
  return {
    name: variant,
    valuesFile: file,
    build: (app) => {
      switch (variant) {
        case 'k3s-dev': K3sDev.fromSpec(app, variant, v, file); break;
        case 'k3s-prod': K3sProd.fromSpec(app, variant, v as any, file); break;
        case 'rke2-cnpg': Rke2Cnpg.fromSpec(app, variant, v as any, file); break;
      }
    },
  };
}

/** The GitOps source props from `gitops:` (repository, revision, folder, namespaces). */
export function gitopsFromValues(v: Values): GitOpsSourceProps {
  const g = v.gitops ?? {};
  return { repoUrl: g.repoUrl, revision: g.revision, basePath: g.path, argoNamespace: g.argoNamespace, fluxNamespace: g.fluxNamespace };
}
