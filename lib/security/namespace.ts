import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { assertInstanceName, assertKasmNamespace, assertLabels, assertOneOf, assertPlainObject, fail } from '../core/validation';
import { KasmVersion } from '../contract/version';

/** Pod Security Standards levels, as the admission labels spell them. */
export enum PodSecurityLevel {
  PRIVILEGED = 'privileged',
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}

/** Props for {@link KasmNamespace}. */
export interface KasmNamespaceProps {
  /** Name of the namespace. @default 'kasm' */
  readonly namespace?: string;
  /** Instance name for the labels. @default 'kasm' */
  readonly name?: string;
  /** Release for the version label. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /** Pod Security level enforced, audited and warned about; every Kasm pod meets `restricted`. @default PodSecurityLevel.RESTRICTED */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Keep the namespace when the GitOps app is deleted (Argo CD `Delete=false`, Flux `prune: disabled`), so the
   * database volume and the generated Secrets survive an uninstall and a reinstall finds the same passwords.
   * @default true
   */
  readonly keepOnDelete?: boolean;
  /** Extra labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The namespace the control plane lives in, created first so `kubectl apply -k` and GitOps syncs can fill it. */
export class KasmNamespace extends Construct {
  public readonly namespace: string;
  public readonly podSecurity: PodSecurityLevel;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: KasmNamespaceProps = {}) {
    super(scope, id);
    const owner = 'KasmNamespace';
    this.namespace = props.namespace ?? 'kasm';
    assertKasmNamespace(owner, 'namespace', this.namespace);
    assertInstanceName(owner, 'name', props.name ?? 'kasm');
    assertPlainObject(owner, 'labels', props.labels);
    assertLabels(owner, 'labels', props.labels ?? {});
    for (const key of Object.keys(props.labels ?? {})) {
      if (key.startsWith('pod-security.kubernetes.io/')) {
        fail(owner, 'labels', key, 'is set by the podSecurity prop; extra labels cannot override the Pod Security admission labels');
      }
    }
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    assertOneOf(owner, 'podSecurity', this.podSecurity, Object.values(PodSecurityLevel));
    const version = props.version ?? KasmVersion.V1_18_1;
    const keep = props.keepOnDelete ?? true;
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.namespace,
        labels: {
          ...instanceLabels(props.name ?? 'kasm', version.version),
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/audit': this.podSecurity,
          'pod-security.kubernetes.io/warn': this.podSecurity,
          ...(props.labels ?? {}),
        },
        annotations: {
          ...waveAnnotation(SyncWave.NAMESPACE),
          ...(keep ? { 'argocd.argoproj.io/sync-options': 'Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } : {}),
        },
      },
    });
  }
}
