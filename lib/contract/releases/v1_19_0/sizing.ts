/**
 * Kasm 1.19.0's size presets: the official chart's replicas and resources per `deploymentSize`
 * (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm`), and our dev preset. Each gateway's nginx sidecar
 * brings its own fixed requests (./gateways.ts), which the capacity check adds per pod.
 */
import { resources, sized } from '../../sizing';
import { ComponentId, SizePreset, SizingContract } from '../../types';

type Preset = Readonly<Partial<Record<ComponentId, SizingContract>>>;

const dev: Preset = {
  [ComponentId.PROXY]: sized(1, resources('50m', '64Mi', '500m', '256Mi')),
  [ComponentId.API]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
  [ComponentId.MANAGER]: sized(1, resources('50m', '128Mi', '500m', '512Mi')),
  [ComponentId.GUAC]: sized(1, resources('100m', '128Mi', '1000m', '512Mi')),
  [ComponentId.RDP_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.RDP_HTTPS_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.DB]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
};

/** The chart's presets (`charts/kasm-helm`: replicas and resources per `deploymentSize`). */
function preset(replicas: number, size: 'small' | 'medium' | 'large'): Preset {
  const large = size === 'large';
  const guacCpu = { small: '1000m', medium: '1500m', large: '2000m' }[size];
  const guacMemLimit = { small: '1Gi', medium: '2Gi', large: '4Gi' }[size];
  const rdpCpu = { small: '500m', medium: '1000m', large: '1500m' }[size];
  const db = { small: resources('750m', '512Mi', '750m', '512Mi'), medium: resources('1500m', '2048Mi', '1500m', '2048Mi'), large: resources('4000m', '8192Mi', '4000m', '8192Mi') }[size];
  return {
    [ComponentId.PROXY]: sized(replicas, resources('500m', '512Mi', '500m', size === 'small' ? '512Mi' : '1Gi')),
    [ComponentId.API]: sized(replicas, resources('500m', large ? '1Gi' : '512Mi', '500m', large ? '2Gi' : '1Gi')),
    [ComponentId.MANAGER]: sized(replicas, resources('500m', large ? '1Gi' : '512Mi', '500m', large ? '2Gi' : '1Gi')),
    [ComponentId.GUAC]: sized(replicas, resources(guacCpu, large ? '1Gi' : '512Mi', guacCpu, guacMemLimit)),
    [ComponentId.RDP_GATEWAY]: sized(1, resources(rdpCpu, '512Mi', rdpCpu, '512Mi')),
    [ComponentId.RDP_HTTPS_GATEWAY]: sized(replicas, resources(rdpCpu, '512Mi', rdpCpu, '512Mi')),
    [ComponentId.DB]: sized(1, db),
  };
}

/**
 * Every preset. [read] rdp-gateway stays at 1 in every preset (the chart refuses more); guac and rdp-https-gateway
 * scale with the preset as StatefulSets, each pod registering its own address.
 */
export const SIZING: Readonly<Record<SizePreset, Preset>> = {
  [SizePreset.DEV]: dev,
  [SizePreset.SMALL]: preset(1, 'small'),
  [SizePreset.MEDIUM]: preset(2, 'medium'),
  [SizePreset.LARGE]: preset(3, 'large'),
};
