/**
 * The control plane's props checked and defaulted (private to it): every value the constructor needs before it
 * builds anything, with a KasmConfigError naming the prop for each bad one.
 */
import { Duration } from 'cdk8s';
import { ClusterProfile } from '../cluster/profile';
import { SizePreset } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { assertImagePullSecrets, assertPodOptions, KasmPodOptions, mergePodOptions } from '../core/pod-options';
import {
  assertDuration, assertInstanceName, assertKasmNamespace, assertOneOf, assertPlainObject, assertRegistry, assertWholeSeconds, assertZoneName,
  fail, KasmConfigError, show,
} from '../core/validation';
import { IKasmDatabase } from '../database/interface';
import { KasmDatabase } from '../database/kasm-database';
import { NetworkPeer } from '../security/network-peer';
import { ImagePullPolicy, KasmControlPlaneProps } from './props';

/** The props, checked, with their defaults applied. */
export interface ControlPlaneSettings {
  readonly database: IKasmDatabase;
  /** The database when it is a KasmDatabase of this app (its name, cluster and secrets are defaults here). */
  readonly ownDatabase?: KasmDatabase;
  readonly version: KasmVersion;
  readonly namespace: string;
  readonly name: string;
  readonly size: SizePreset;
  readonly zoneName: string;
  readonly pullPolicy: ImagePullPolicy;
  readonly imageRegistry?: string;
  readonly imagePullSecrets: readonly string[];
  readonly podDefaults: KasmPodOptions;
  readonly dbInitOptions: KasmPodOptions;
  readonly cluster: ClusterProfile;
  readonly dnsResolver: string;
  readonly sessionTimeoutSeconds: number;
}

/** Check and default the props; throws KasmConfigError naming the prop, the value and what is accepted. */
export function resolveSettings(owner: string, props: KasmControlPlaneProps): ControlPlaneSettings {
    assertPlainObject(owner, 'props', props, true);
    if (!props.database) {
      throw new KasmConfigError(`${owner} database: undefined is not accepted; pass a KasmDatabase (or another IKasmDatabase)`);
    }
    const database = props.database;
    if (props.version !== undefined && !(props.version instanceof KasmVersion)) {
      fail(owner, 'version', props.version, 'is not a KasmVersion; use KasmVersion.V1_18_1 or KasmVersion.of(\'1.18.1\')');
    }
    const version = props.version ?? props.database.version;
    if (version.version !== props.database.version.version) {
      fail(owner, 'version', version.version, `does not match the database's version ${show(props.database.version.version)}; `
        + 'build both from the same KasmVersion');
    }
        const namespace = props.namespace ?? props.database.namespace;
    const ownDatabase = props.database instanceof KasmDatabase ? props.database : undefined;
    const name = props.name ?? ownDatabase?.name ?? 'kasm';
    const size = props.size ?? SizePreset.SMALL;
    const zoneName = props.zoneName ?? 'default';
    const pullPolicy = props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT;
    const imageRegistry = props.imageRegistry;
    assertImagePullSecrets(owner, 'imagePullSecrets', props.imagePullSecrets);
    const imagePullSecrets = [...(props.imagePullSecrets ?? [])];
    assertPodOptions(owner, 'podDefaults', props.podDefaults);
    assertPodOptions(owner, 'dbInit', props.dbInit, version.contract.dbInit.env.map((e) => e.name));
    const podDefaults = props.podDefaults ?? {};
    const dbInitOptions = mergePodOptions(podDefaults, props.dbInit);
    const cluster = props.cluster ?? ownDatabase?.cluster ?? ClusterProfile.k3s();
    if (!(cluster instanceof ClusterProfile)) fail(owner, 'cluster', cluster, 'is not a ClusterProfile; use ClusterProfile.k3s(), ClusterProfile.rke2() or ClusterProfile.custom({...})');
    const dnsResolver = cluster.dnsServiceIp;
    if (props.sessionTimeout !== undefined) assertDuration(owner, 'sessionTimeout', props.sessionTimeout);
    const sessionTimeoutSeconds = (props.sessionTimeout ?? Duration.minutes(30)).toSeconds({ integral: false });
    assertKasmNamespace(owner, 'namespace', namespace);
    assertInstanceName(owner, 'name', name);
    if (imageRegistry !== undefined) assertRegistry(owner, 'imageRegistry', imageRegistry);
    assertOneOf(owner, 'size', size, Object.values(SizePreset));
    assertZoneName(owner, 'zoneName', zoneName);
    if (zoneName !== 'default') {
      fail(owner, 'zoneName', zoneName, 'is not supported yet: the seeded zone and the Service names Kasm derives from it '
        + '(kasm-proxy-default, kasm-manager-default) are those of \'default\', so another name would leave the env and the '
        + 'database disagreeing; leave zoneName unset');
    }
    assertPlainObject(owner, 'components', props.components);
    assertOneOf(owner, 'imagePullPolicy', pullPolicy, Object.values(ImagePullPolicy));
    assertWholeSeconds(owner, 'sessionTimeout', sessionTimeoutSeconds, 60, 86400);
    if (!(props.database.peer instanceof NetworkPeer)) {
      fail(owner, 'database.peer', props.database.peer, 'is not a NetworkPeer: every database edge needs a peer, or default deny drops it; '
        + 'pass a KasmDatabase or KasmDatabase.fromEndpoint({ peer, ... })');
    }
    return {
    database, ownDatabase, version, namespace, name, size, zoneName, pullPolicy, imageRegistry, imagePullSecrets, podDefaults, dbInitOptions,
    cluster, dnsResolver, sessionTimeoutSeconds,
  };
}
