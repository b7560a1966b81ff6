/**
 * The proxy's generated nginx configuration as a ConfigMap and the volumes that replace the image's own files
 * (private to the control plane).
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ConfigMount } from './config-files';
import { digest } from '../core/metadata';
import { PROXY_CONFIG_PATHS, ProxyConfigFiles } from './proxy-config';
import { renderSidecarConfig, SIDECAR_CONFIG_PATH, SidecarConfigOptions } from './sidecar-config';

/** Write the ConfigMap `name` holding `files` and return how the proxy mounts it. */
export function addProxyConfigMap(scope: Construct, id: string, metadata: k8s.ObjectMeta, files: ProxyConfigFiles): ConfigMount {
  const cm = new k8s.KubeConfigMap(scope, id, { metadata, data: { ...files } });
  return {
    // conf.d is replaced as a whole, so no configuration baked into the image is included by accident.
    volumes: [
      { name: 'nginx-conf', configMap: { name: cm.name, defaultMode: 0o444, items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } },
      {
        name: 'nginx-conf-d',
        configMap: {
          name: cm.name,
          defaultMode: 0o444,
          items: [{ key: 'kasm.conf', path: 'kasm.conf' }, { key: 'kasm-locations.inc', path: 'kasm-locations.inc' }],
        },
      },
    ],
    mounts: [
      { name: 'nginx-conf', mountPath: PROXY_CONFIG_PATHS.nginxConf, subPath: 'nginx.conf', readOnly: true },
      { name: 'nginx-conf-d', mountPath: PROXY_CONFIG_PATHS.confDir, readOnly: true },
    ],
    // subPath mounts never see ConfigMap updates, so a configuration change rolls the pods.
    podAnnotations: { 'kasm.cdk8s.io/config-digest': digest(files) },
  };
}

/** Write the ConfigMap `name` holding a sidecar's `nginx.conf` and return how the sidecar mounts it. */
export function addSidecarConfigMap(scope: Construct, id: string, metadata: k8s.ObjectMeta, sidecar: string, files: { 'nginx.conf': string }): ConfigMount {
  const cm = new k8s.KubeConfigMap(scope, id, { metadata, data: { ...files } });
  const volume = `${sidecar}-conf`.slice(0, 63);
  return {
    volumes: [{ name: volume, configMap: { name: cm.name, defaultMode: 0o444, items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } }],
    mounts: [{ name: volume, mountPath: SIDECAR_CONFIG_PATH, subPath: 'nginx.conf', readOnly: true }],
    podAnnotations: { [`kasm.cdk8s.io/${sidecar}-config-digest`]: digest(files) },
  };
}

/** Every nginx sidecar of a component with its generated ConfigMap: mounts by sidecar name, and the roll-out annotations. */
export function addSidecarConfigs(scope: Construct, opts: Omit<SidecarConfigOptions, 'sidecar'> & {
  readonly idSuffix: string; readonly metadata: (sidecar: string) => k8s.ObjectMeta;
}): { mounts: Record<string, ConfigMount>; podAnnotations: Record<string, string> } {
  const mounts: Record<string, ConfigMount> = {};
  const podAnnotations: Record<string, string> = {};
  for (const sidecar of opts.component.sidecars ?? []) {
    if (!sidecar.nginx) continue;
    const files = renderSidecarConfig({ ...opts, sidecar });
    const mount = addSidecarConfigMap(scope, `SidecarConfig-${sidecar.name}${opts.idSuffix}`, opts.metadata(sidecar.name), sidecar.name, files);
    mounts[sidecar.name] = mount;
    Object.assign(podAnnotations, mount.podAnnotations);
  }
  return { mounts, podAnnotations };
}
