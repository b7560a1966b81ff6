/**
 * The configuration objects one component's pod mounts, written beside its workload: the proxy's nginx
 * configuration, each nginx sidecar's, and the files the contract ships (`configFiles`), with the volumes, mounts
 * and digest annotations that roll the pods when one changes.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId } from '../contract/types';
import { componentLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { addConfigFiles, ConfigMount } from './config-files';
import { renderProxyConfig } from './proxy-config';
import { addProxyConfigMap, addSidecarConfigs } from './proxy-config-map';
import { SidecarConfigOptions } from './sidecar-config';

/** What the component's pod mounts from its configuration objects: the main container's, and each sidecar's. */
export interface ComponentConfigMounts extends ConfigMount {
  /** Mounts per nginx sidecar, by container name. */
  readonly sidecarMounts: Record<string, ConfigMount>;
}

/** One component in one zone, as its configuration objects need it (the sidecars' options, for every sidecar). */
export interface ComponentConfigOptions extends Omit<SidecarConfigOptions, 'sidecar'> {
  readonly id: ComponentId;
  /** The release's proxy worker count for the preset. */
  readonly workerProcesses: number;
  readonly instance: string;
  readonly version: string;
  /** Object-name suffix of a further zone ('' for the first). */
  readonly suffix: string;
}

/** Writes the component's configuration objects into `scope` and returns how its pod mounts them. */
export function addComponentConfigs(scope: Construct, o: ComponentConfigOptions): ComponentConfigMounts {
  const { id, component: c, suffix } = o;
  const metadata = (name: string): k8s.ObjectMeta => ({
    name,
    namespace: o.cluster.namespace,
    labels: componentLabels(o.instance, o.version, c.workloadName, id),
    annotations: waveAnnotation(SyncWave.CONTROL_PLANE),
  });
  const proxy = id === ComponentId.PROXY ? addProxyConfigMap(scope, `ProxyConfig${suffix}`, metadata(`${o.instance}-proxy${suffix}-config`), renderProxyConfig({
    contract: o.contract,
    enabled: o.enabled,
    workerProcesses: o.workerProcesses,
    dnsResolver: o.dnsResolver,
    sessionTimeoutSeconds: o.sessionTimeoutSeconds,
    cluster: o.cluster,
  })) : undefined;
  const sidecars = addSidecarConfigs(scope, {
    contract: o.contract, component: c, enabled: o.enabled, dnsResolver: o.dnsResolver, sessionTimeoutSeconds: o.sessionTimeoutSeconds,
    cluster: o.cluster,
    idSuffix: suffix,
    metadata: (sidecar) => metadata(`${o.instance}-${sidecar}${suffix}-config`),
  });
  const files = c.configFiles && c.configFiles.length > 0
    ? addConfigFiles(scope, `Files${id}${suffix}`, metadata(`${c.workloadName}${suffix}-files`), c.configFiles)
    : undefined;
  return {
    volumes: [...(proxy?.volumes ?? []), ...(files?.volumes ?? [])],
    mounts: [...(proxy?.mounts ?? []), ...(files?.mounts ?? [])],
    sidecarMounts: sidecars.mounts,
    podAnnotations: { ...proxy?.podAnnotations, ...files?.podAnnotations, ...sidecars.podAnnotations },
  };
}
