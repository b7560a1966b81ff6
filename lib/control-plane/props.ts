/**
 * The props of {@link KasmControlPlane}: what a caller may set, each with why and its default.
 */
import { Duration } from 'cdk8s';
import { ClusterProfile } from '../cluster/profile';
import { ComponentId, SizePreset } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { KasmPodOptions } from '../core/pod-options';
import { ResourceOverrides } from '../core/resources';
import { IKasmDatabase } from '../database/interface';
import { IKasmSecrets } from '../security/secrets';
import { KasmUpgradeBackupOptions } from './upgrade';
import type { KasmZone } from './zones';
import type { KasmControlPlane } from './control-plane';

/** Per-component settings of the control plane: replicas, resources and the pod escape valves. */
export interface KasmComponentOptions extends KasmPodOptions {
  /** Pods of this component. @default - the size preset's replica count */
  readonly replicas?: number;
  /** Requests and limits that replace parts of the size preset. @default - the size preset's figures */
  readonly resources?: ResourceOverrides;
}

/** How Kubernetes pulls the images. */
export enum ImagePullPolicy {
  IF_NOT_PRESENT = 'IfNotPresent',
  ALWAYS = 'Always',
  NEVER = 'Never',
}

/** Props for {@link KasmControlPlane}. */
export interface KasmControlPlaneProps {
  /** The database the control plane connects to; its version and namespace become the defaults here. */
  readonly database: IKasmDatabase;
  /** Kasm release whose contract decides every image, name, port and env var. @default - the database's version */
  readonly version?: KasmVersion;
  /** Namespace of every object. @default - the database's namespace */
  readonly namespace?: string;
  /** Instance name; prefixes ConfigMaps, Jobs and default Secret names, and labels every object. @default - the KasmDatabase's name, else 'kasm' */
  readonly name?: string;
  /** Where credentials and certificates come from. @default - the KasmDatabase's secrets, else KasmSecrets.fromExisting({ name }) */
  readonly secrets?: IKasmSecrets;
  /** Replica and resource preset. @default SizePreset.SMALL */
  readonly size?: SizePreset;
  /** Per-component replicas and resources, keyed by component ('api', 'proxy', ...). @default - the preset for every component */
  readonly components?: { readonly [K in ComponentId]?: KasmComponentOptions };
  /** Deploy the Guacamole connection proxy (RDP/VNC/SSH to servers). @default true */
  readonly enableGuac?: boolean;
  /** Deploy the native RDP gateway. @default true */
  readonly enableRdpGateway?: boolean;
  /** Deploy the RDP-over-HTTPS gateway. @default true */
  readonly enableRdpHttpsGateway?: boolean;
  /** Deploy Kasm Share and its Redis (1.16.0 only). @default - true where the release ships it */
  readonly enableShare?: boolean;
  /**
   * Kasm zone these components serve. Only 'default' is accepted until zones are wired end to end: the seeded zone
   * and the Service names Kasm derives (`kasm-proxy-default`, `kasm-manager-default`) are those of 'default'.
   * @default 'default'
   */
  readonly zoneName?: string;
  /** Registry mirror prefix for air-gapped clusters, e.g. 'registry.example.com'. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Pull policy of every container. @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Secrets for pulling from a private registry mirror, on every pod. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Pod settings every component gets (scheduling, annotations, env); `components.<id>` adds to or overrides them. @default {} */
  readonly podDefaults?: KasmPodOptions;
  /** Pod settings of the db-init Job (e.g. `writableRootFilesystem` if the seed writes an unlisted path). @default - podDefaults */
  readonly dbInit?: KasmPodOptions;
  /** The cluster: its DNS address becomes nginx's resolver for agent host names. @default - the KasmDatabase's profile, else ClusterProfile.k3s() */
  readonly cluster?: ClusterProfile;
  /** Idle timeout of desktop, Guacamole and RDP streams at the proxy. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
  /**
   * The release the running deployment has, when `version` moves it to a newer one. Says the upgrade out loud:
   * a pre-upgrade dump, the new release's migration (restoring the dump into a new PostgreSQL major), then the new
   * control plane; no db-init runs. Remove it once the upgrade is done.
   * @default - no upgrade: a new install, or the same release as deployed
   */
  readonly upgradeFrom?: KasmVersion;
  /** Where the pre-upgrade dump is kept. @default - 20 GiB on the cluster's default StorageClass */
  readonly upgradeBackup?: KasmUpgradeBackupOptions;
  /**
   * Where the zone's agents reach Kasm to authenticate session traffic (Kasm's zone "Upstream Auth Address"), as an
   * https URL. Seeded into the zone where the release supports it (1.19.0), and written into NOTES.md and the
   * onboarding ConfigMap either way, so nobody has to find it in the admin UI (the 1.16 chart's known limitation).
   * @default - the proxy Service's FQDN, `https://<proxy service>.<namespace>.svc.<cluster domain>:8443`
   */
  readonly upstreamAuthAddress?: string;
  /**
   * Certificates of private CAs the api and manager trust, added to the image's system bundle (SSO and LDAP servers
   * behind a corporate CA; without it Kasm answers HTTP 500 at the single sign-on login).
   * @default - the images' own CA bundle only
   */
  readonly trustedCaBundle?: TrustedCaBundle;
  /**
   * The zones to serve: each gets its own api, manager and proxy under the names Kasm derives (`kasm-proxy-<zone>`),
   * and db-init creates and configures it. The first is the seeded zone (`zoneName`). Needs a release that runs
   * components per zone and lets db-init seed zones (1.19.0).
   * @default - one zone, `zoneName`
   */
  readonly zones?: readonly KasmZone[];
}

/** A ConfigMap or Secret in the control plane's namespace holding PEM certificates to trust. */
export interface TrustedCaBundle {
  /** ConfigMap with the bundle (certificates are not secret). Exactly one of `configMapName` and `secretName`. @default - none */
  readonly configMapName?: string;
  /** Secret with the bundle, when your tooling delivers it that way. @default - none */
  readonly secretName?: string;
  /** Key holding one or more PEM certificates. @default 'ca.crt' */
  readonly key?: string;
}
