/**
 * KasmOnboarding: what an admin needs after the install, without hand work in the admin UI: the first login, the
 * zone's Upstream Auth address and the agent registration, written into NOTES.md (next to the variant's manifests)
 * and into a ConfigMap in the namespace, from the same props as the manifests.
 */
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId, SecretKey } from '../contract/types';
import { IKasmControlPlane } from '../control-plane/interface';
import { defaultUpstreamAuthUrl, UpstreamAuth } from '../control-plane/upstream-auth';
import { componentLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { addNotes, NotesOrder, renderNotes } from '../core/notes';
import { assertPlainObject, fail } from '../core/validation';
import { assertFrontDoor, IKasmFrontDoor } from '../ingress/interface';

/** Props for {@link KasmOnboarding}. */
export interface KasmOnboardingProps {
  readonly controlPlane: IKasmControlPlane;
  /** The front door users log in through. @default - none: NOTES.md explains a port-forward */
  readonly frontDoor?: IKasmFrontDoor;
  /** First line of NOTES.md. @default - 'Kasm <version> in namespace <namespace>' */
  readonly title?: string;
}

/** The users Kasm's seed creates, and the Secret keys of their first passwords. */
const SEEDED_USERS: readonly [string, SecretKey][] = [['admin@kasm.local', SecretKey.ADMIN_PASSWORD], ['user@kasm.local', SecretKey.USER_PASSWORD]];

/**
 * NOTES.md sections for the first login and the agents, and the `<name>-onboarding` ConfigMap: the zone, its Upstream
 * Auth address (the value agents and the admin UI need) and the whole NOTES.md. Nothing secret: the notes show the
 * commands that read passwords and tokens from the credentials Secret, never the values.
 */
export class KasmOnboarding extends Construct {
  public readonly configMap: k8s.KubeConfigMap;
  public readonly upstreamAuth: UpstreamAuth;

  constructor(scope: Construct, id: string, props: KasmOnboardingProps) {
    super(scope, id);
    const owner = 'KasmOnboarding';
    assertPlainObject(owner, 'props', props, true);
    if (!props.controlPlane) fail(owner, 'controlPlane', undefined, 'is required; pass the KasmControlPlane');
    if (props.frontDoor !== undefined) assertFrontDoor(owner, 'frontDoor', props.frontDoor);
    const cp = props.controlPlane;
    const zone = cp.zoneName ?? 'default';
    const proxy = cp.contractOf(ComponentId.PROXY);
    this.upstreamAuth = cp.upstreamAuth ?? (() => {
      const url = defaultUpstreamAuthUrl(proxy.serviceName, cp.namespace, cp.cluster.clusterDomain, cp.proxyHttpsPort);
      return { url, address: url.replace(/^https:\/\//, '') };
    })();
    const title = props.title ?? `Kasm ${cp.version.version} in namespace ${cp.namespace}`;
    if (typeof title !== 'string' || title.length === 0 || title.includes('\n')) fail(owner, 'title', title, 'is not accepted; pass one line of text');
    const secret = cp.secrets.credentialsSecretName;
    const read = (key: SecretKey) => `kubectl -n ${cp.namespace} get secret ${secret} -o jsonpath='{.data.${key}}' | base64 -d; echo`;

    const loginAt = props.frontDoor
      ? `Open https://${props.frontDoor.hostnames[0]}/ (TLS from the Secret \`${props.frontDoor.tlsSecretName}\`).`
      : `No front door is configured: \`kubectl -n ${cp.namespace} port-forward svc/${proxy.serviceName} 8443:${cp.proxyHttpsPort}\`, then open https://localhost:8443/.`;
    addNotes(this, {
      order: NotesOrder.FIRST_LOGIN,
      title: 'Log in for the first time',
      body: [
        loginAt,
        'Kasm seeds two users; their first passwords are in the credentials Secret, which the cluster generated (nothing secret is in git):',
        ['```sh', ...SEEDED_USERS.flatMap(([user, key]) => [`# ${user}`, read(key)]), '```'].join('\n'),
        'Change both passwords in the admin UI (Access Management → Users) right after the first login. The Secret only '
          + 'seeds an empty database: db-init never seeds a database twice, so after the change the Secret\'s values are inert '
          + 'and rotating them changes nothing in Kasm. Tokens and certificates rotate as docs/security.md, "Rotating a credential or a certificate", says.',
      ].join('\n\n'),
    });

    const zones = cp.zones ?? [{ name: zone, slug: zone, upstreamAuth: this.upstreamAuth }];
    const seeded = cp.seedsUpstreamAuth === true;
    for (const z of zones) {
      addNotes(this, {
        order: NotesOrder.AGENTS,
        title: `Register agents in zone \`${z.name}\``,
        body: [
          'Sessions run on Kasm agents outside the cluster. Each agent registers with the manager token and authenticates '
            + `session traffic against the zone's Upstream Auth address: \`${z.upstreamAuth.address}\` (${z.upstreamAuth.url}).`,
          seeded
            ? `db-init writes it into zone \`${z.name}\`${z === zones[0] ? '' : ' (creating the zone as a copy of the seeded one)'} and again whenever it changes in git: nothing to set in the admin UI.`
            : `Kasm ${cp.version.version} gives no way to seed it: set it once in the admin UI, Infrastructure → Zones → \`${z.name}\` → Edit → `
              + `Upstream Auth Address: \`${z.upstreamAuth.address}\`. It is also in the ConfigMap \`${cp.name}-onboarding\` (key \`upstream-auth-address\`).`,
          'On each agent host, with the Kasm release tarball unpacked (Kasm\'s multi-server install guide):',
          ['```sh',
            `MANAGER_TOKEN="$(${read(SecretKey.MANAGER_TOKEN).replace(/; echo$/, '')})"`,
            `sudo bash kasm_release/install.sh --role agent --public-hostname "<this agent's address>" \\`,
            `  --manager-hostname ${z.upstreamAuth.address.replace(/:\d+$/, '')} --manager-token "$MANAGER_TOKEN"`,
            '```'].join('\n'),
          `Then check Infrastructure → Docker Agents: the agent appears in zone \`${z.name}\` and checks in. The NetworkPolicies admit `
            + 'agents only from the agent ranges listed under "Network access".',
        ].join('\n\n'),
      });
    }

    const labels = componentLabels(cp.name, cp.version.version, `${cp.name}-onboarding`, ComponentId.PROXY);
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: `${cp.name}-onboarding`, namespace: cp.namespace, labels: { ...labels, 'app.kubernetes.io/component': 'onboarding' }, annotations: waveAnnotation(SyncWave.CONTROL_PLANE) },
      data: {
        'zone': zone,
        'upstream-auth-address': this.upstreamAuth.address,
        'upstream-auth-url': this.upstreamAuth.url,
        'upstream-auth-seeded': String(seeded),
        // Further zones under their slug: `upstream-auth-address.eu`.
        ...Object.fromEntries(zones.slice(1).flatMap((z) => [[`upstream-auth-address.${z.slug}`, z.upstreamAuth.address], [`upstream-auth-url.${z.slug}`, z.upstreamAuth.url]])),
        // Rendered at synth, after every construct has added its section.
        'NOTES.md': Lazy.any({ produce: () => renderNotes(this, title) }) as unknown as string,
      },
    });
    this.title = title;
  }

  /** The first line of NOTES.md. */
  public readonly title: string;
}
