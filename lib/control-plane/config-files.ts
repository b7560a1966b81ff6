/**
 * A component's configuration files (its contract's `configFiles`) as a ConfigMap of its own and the read-only
 * mounts that put each file over the image's (private to the control plane).
 */
import * as path from 'path';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ConfigFileContract } from '../contract/types';
import { digest } from '../core/metadata';

/** Volumes, mounts and the roll-out annotation a workload needs for a ConfigMap of its configuration (files, nginx). */
export interface ConfigMount {
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  readonly podAnnotations: Record<string, string>;
}

/** Write the ConfigMap holding `files` (keyed by file name) and return how the workload mounts them. */
export function addConfigFiles(scope: Construct, id: string, metadata: k8s.ObjectMeta, files: readonly ConfigFileContract[]): ConfigMount {
  const data = Object.fromEntries(files.map((f) => [path.posix.basename(f.path), f.content]));
  const cm = new k8s.KubeConfigMap(scope, id, { metadata, data });
  return {
    volumes: [{ name: 'config-files', configMap: { name: cm.name, defaultMode: 0o444 } }],
    // One file each (subPath): the rest of its folder stays the image's.
    mounts: files.map((f) => ({ name: 'config-files', mountPath: f.path, subPath: path.posix.basename(f.path), readOnly: true })),
    // subPath mounts never see ConfigMap updates, so a change of the files rolls the pods.
    podAnnotations: { 'kasm.cdk8s.io/files-digest': digest(data) },
  };
}
