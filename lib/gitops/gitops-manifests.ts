/**
 * What points Argo CD or Flux at a variant's folder: an Argo CD Application (one app, ordered by sync waves) and a
 * Flux GitRepository with two Kustomizations, the database phase first and the application after it (`dependsOn`),
 * each waiting for health (the StatefulSet, or the CloudNativePG Cluster, before anything calls the database).
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { GitRepository } from '../../imports/flux-gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux-kustomization-kustomize.toolkit.fluxcd.io';
import { assertDnsLabel, assertPlainObject, fail } from '../core/validation';

/** Where the repository that holds `dist/` lives. */
export interface GitOpsSourceProps {
  /** Git URL Argo CD and Flux clone. @default 'https://github.com/cdk8s-kasm/cdk8s-kasm.git' */
  readonly repoUrl?: string;
  /** Branch, tag or commit. @default 'main' */
  readonly revision?: string;
  /** Folder of the synthesized variants in the repository. @default 'dist' */
  readonly basePath?: string;
  /** Namespace of Argo CD's Applications. @default 'argocd' */
  readonly argoNamespace?: string;
  /** Namespace of Flux's objects. @default 'flux-system' */
  readonly fluxNamespace?: string;
}

/** One variant as the GitOps manifests see it. */
export interface GitOpsVariant {
  readonly name: string;
  /** Namespace Kasm runs in (the Application's destination). */
  readonly namespace: string;
  /** Objects Flux waits for before the application phase: kind, name, namespace, apiVersion. */
  readonly databaseHealth: readonly { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace: string }[];
  /** Whether the variant has an upgrade phase (its dump must complete before the database changes). @default false */
  readonly upgrading?: boolean;
}

/**
 * The phase folders a variant's dist is split into, in order: the pre-upgrade dump (only during an upgrade), the
 * database, the application; each must be healthy before the next.
 */
export const PHASES = { upgrade: 'upgrade', database: 'database', app: 'app' } as const;

interface ResolvedSource {
  readonly repoUrl: string;
  readonly revision: string;
  readonly basePath: string;
  readonly argoNamespace: string;
  readonly fluxNamespace: string;
}

/** A Git URL Argo CD and Flux can clone, without credentials (the URL is committed with the GitOps manifests). */
export function assertRepoUrl(owner: string, prop: string, repoUrl: unknown): void {
  if (typeof repoUrl !== 'string' || !/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(repoUrl)) {
    fail(owner, prop, repoUrl, 'is not a Git URL; pass https://..., ssh://... or git@host:path');
  }
  assertNoCredentials(owner, prop, repoUrl);
}

/** A repository URL without a token or password: it is written into the committed GitOps manifests. */
export function assertNoCredentials(owner: string, prop: string, repoUrl: string): void {
  const userinfo = /^(https|ssh):\/\/([^/@]*)@/.exec(repoUrl);
  if (userinfo && (userinfo[1] === 'https' || userinfo[2].includes(':'))) {
    fail(owner, prop, repoUrl.replace(/^(\w+:\/\/)[^/@]*@/, '$1***@'), 'carries credentials, which would be committed with the GitOps manifests; '
      + 'remove them from the URL and give Argo CD a repository Secret (or Flux a secretRef) instead');
  }
}

function resolveSource(owner: string, props: GitOpsSourceProps): ResolvedSource {
  assertPlainObject(owner, 'props', props);
  const repoUrl = props.repoUrl ?? 'https://github.com/cdk8s-kasm/cdk8s-kasm.git';
  assertRepoUrl(owner, 'repoUrl', repoUrl);
  const revision = props.revision ?? 'main';
  if (typeof revision !== 'string' || !/^[\w./-]+$/.test(revision)) fail(owner, 'revision', revision, 'is not a branch, tag or commit');
  const basePath = String(props.basePath ?? 'dist').replace(/\/+$/, '');
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(basePath) || basePath.split('/').includes('..')) fail(owner, 'basePath', basePath, 'is not a relative folder of the repository');
  const argoNamespace = props.argoNamespace ?? 'argocd';
  const fluxNamespace = props.fluxNamespace ?? 'flux-system';
  assertDnsLabel(owner, 'argoNamespace', argoNamespace);
  assertDnsLabel(owner, 'fluxNamespace', fluxNamespace);
  return { repoUrl, revision, basePath, argoNamespace, fluxNamespace };
}

/** One Argo CD Application per variant: the whole folder, ordered by the objects' sync waves. */
export class ArgoCdApplications extends Chart {
  constructor(scope: Construct, id: string, variants: readonly GitOpsVariant[], props: GitOpsSourceProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const src = resolveSource('ArgoCdApplications', props);
    for (const v of variants) {
      new Application(this, v.name, {
        metadata: { name: `kasm-${v.name}`, namespace: src.argoNamespace },
        spec: {
          project: 'default',
          source: { repoUrl: src.repoUrl, targetRevision: src.revision, path: `${src.basePath}/${v.name}` },
          destination: { server: 'https://kubernetes.default.svc', namespace: v.namespace },
          // Sync waves order the phases; prune removes what git no longer has (runtime objects are protected).
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
        },
      });
    }
  }
}

/** A Flux GitRepository and, per variant, the database phase and the application phase that depends on it. */
export class FluxKustomizations extends Chart {
  constructor(scope: Construct, id: string, variants: readonly GitOpsVariant[], props: GitOpsSourceProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const src = resolveSource('FluxKustomizations', props);
    new GitRepository(this, 'Repository', {
      metadata: { name: 'cdk8s-kasm', namespace: src.fluxNamespace },
      spec: { url: src.repoUrl, ref: { branch: src.revision }, interval: '5m' },
    });
    const common = {
      interval: '10m',
      retryInterval: '1m',
      timeout: '15m',
      prune: true,
      wait: true,
      sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'cdk8s-kasm' },
    };
    for (const v of variants) {
      const path = `./${src.basePath}/${v.name}`;
      if (v.upgrading) {
        // wait: true holds the database phase until the pre-upgrade dump Job has completed.
        new Kustomization(this, `${v.name}-Upgrade`, {
          metadata: { name: `kasm-${v.name}-${PHASES.upgrade}`, namespace: src.fluxNamespace },
          spec: { ...common, path: `${path}/${PHASES.upgrade}` },
        });
      }
      new Kustomization(this, `${v.name}-Database`, {
        metadata: { name: `kasm-${v.name}-${PHASES.database}`, namespace: src.fluxNamespace },
        spec: {
          ...common,
          path: `${path}/${PHASES.database}`,
          healthChecks: v.databaseHealth.map((h) => ({ ...h })),
          ...(v.upgrading ? { dependsOn: [{ name: `kasm-${v.name}-${PHASES.upgrade}` }] } : {}),
        },
      });
      new Kustomization(this, `${v.name}-App`, {
        metadata: { name: `kasm-${v.name}-${PHASES.app}`, namespace: src.fluxNamespace },
        spec: { ...common, path: `${path}/${PHASES.app}`, dependsOn: [{ name: `kasm-${v.name}-${PHASES.database}` }] },
      });
    }
  }
}
