import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { instanceLabels, SyncWave, waveAnnotation } from './_metadata';
import { assertDnsLabel, assertInstanceName, assertLabels } from './validation';
import { KasmVersion } from './version';

/** Props for {@link KasmNamespace}. */
export interface KasmNamespaceProps {
  /** Name of the namespace. @default 'kasm' */
  readonly namespace?: string;
  /** Instance name for the labels. @default 'kasm' */
  readonly name?: string;
  /** Release for the version label. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /** Extra labels, e.g. Pod Security admission labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The namespace the control plane lives in, created first so `kubectl apply -k` and GitOps syncs can fill it. */
export class KasmNamespace extends Construct {
  public readonly namespace: string;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: KasmNamespaceProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'kasm';
    assertDnsLabel('KasmNamespace', 'namespace', this.namespace);
    assertInstanceName('KasmNamespace', 'name', props.name ?? 'kasm');
    assertLabels('KasmNamespace', 'labels', props.labels ?? {});
    const version = props.version ?? KasmVersion.V1_18_1;
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.namespace,
        labels: { ...instanceLabels(props.name ?? 'kasm', version.version), ...(props.labels ?? {}) },
        annotations: waveAnnotation(SyncWave.NAMESPACE),
      },
    });
  }
}
