/**
 * A private CA bundle for the api and manager (private to the control plane): an init container appends it to the
 * image's own system bundle in an emptyDir, and `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE` point OpenSSL, python-ldap
 * and requests at the result. The root filesystem stays read-only, and the public CAs stay trusted.
 */
import { k8s } from 'cdk8s-plus-27';
import { WAIT_RESOURCES } from '../contract/sizing';
import { IConstruct } from 'constructs';
import { ComponentId } from '../contract/types';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { hardenedContainer, resourceRequirements } from '../core/pod';
import { assertDnsSubdomain, assertPlainObject, fail } from '../core/validation';
import { TrustedCaBundle } from './props';

/** Where the merged bundle is mounted, and the file the env points at. */
export const TRUSTED_CA_DIR = '/etc/kasm-trusted-ca';
export const TRUSTED_CA_FILE = `${TRUSTED_CA_DIR}/ca-certificates.crt`;
const SOURCE_DIR = '/etc/kasm-trusted-ca-source';
/** The images are Ubuntu-based; the 1.19 chart points REQUESTS_CA_BUNDLE at this file too. */
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The bundle reference, checked: exactly one source, DNS names, a key. */
export function checkTrustedCaBundle(owner: string, prop: string, value: TrustedCaBundle | undefined): Required<Pick<TrustedCaBundle, 'key'>> & TrustedCaBundle | undefined {
  if (value === undefined) return undefined;
  assertPlainObject(owner, prop, value, true);
  const sources = [value.configMapName, value.secretName].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    fail(owner, prop, value, 'names no bundle; set exactly one of configMapName and secretName (the ConfigMap or Secret in the control plane\'s namespace that holds the PEM certificates)');
  }
  if (value.configMapName !== undefined) assertDnsSubdomain(owner, `${prop}.configMapName`, value.configMapName);
  if (value.secretName !== undefined) assertDnsSubdomain(owner, `${prop}.secretName`, value.secretName);
  const key = value.key ?? 'ca.crt';
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key)) fail(owner, `${prop}.key`, key, 'is not a ConfigMap/Secret key; pass a name of letters, digits, \'-\', \'_\' or \'.\', e.g. \'ca.crt\'');
  return { ...value, key };
}

/** The pod parts that make one component trust the bundle. */
export interface TrustedCaParts {
  readonly initContainer: k8s.Container;
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  readonly env: k8s.EnvVar[];
}

/** Components that make outbound TLS calls to identity providers, LDAP and agents, so they get the bundle. */
const TRUSTING_COMPONENTS: readonly ComponentId[] = [ComponentId.API, ComponentId.MANAGER];

/** The parts for one component: `undefined` without a bundle, or for a component that makes no such calls. */
export function trustedCaFor(id: ComponentId, bundle: TrustedCaBundle | undefined, image: string, uid: number, imagePullPolicy: string): TrustedCaParts | undefined {
  return bundle && TRUSTING_COMPONENTS.includes(id) ? trustedCaParts({ ...bundle, key: bundle.key ?? 'ca.crt' }, image, uid, imagePullPolicy) : undefined;
}

/** The init container (in the component's own image, which carries the system bundle), volumes, mount and env. */
export function trustedCaParts(bundle: TrustedCaBundle & { key: string }, image: string, uid: number, imagePullPolicy: string): TrustedCaParts {
  const source: k8s.Volume = bundle.configMapName !== undefined
    ? { name: 'trusted-ca-source', configMap: { name: bundle.configMapName, items: [{ key: bundle.key, path: 'bundle.pem' }] } }
    : { name: 'trusted-ca-source', secret: { secretName: bundle.secretName!, items: [{ key: bundle.key, path: 'bundle.pem' }] } };
  return {
    initContainer: {
      name: 'trusted-ca',
      image,
      imagePullPolicy,
      command: ['/bin/sh', '-c', [
        'set -eu',
        `test -s ${SYSTEM_BUNDLE} || { echo "${SYSTEM_BUNDLE} is missing in this image: cannot extend the system bundle" >&2; exit 1; }`,
        `grep -q "BEGIN CERTIFICATE" ${SOURCE_DIR}/bundle.pem || { echo "The trusted CA bundle (key ${bundle.key}) holds no PEM certificate" >&2; exit 1; }`,
        `cat ${SYSTEM_BUNDLE} ${SOURCE_DIR}/bundle.pem > ${TRUSTED_CA_FILE}`,
        `echo "Trusting $(grep -c "BEGIN CERTIFICATE" ${SOURCE_DIR}/bundle.pem) extra certificate(s)."`,
      ].join('\n')],
      resources: resourceRequirements(WAIT_RESOURCES),
      terminationMessagePolicy: 'FallbackToLogsOnError',
      securityContext: hardenedContainer(uid),
      volumeMounts: [
        { name: 'trusted-ca-source', mountPath: SOURCE_DIR, readOnly: true },
        { name: 'trusted-ca', mountPath: TRUSTED_CA_DIR },
      ],
    },
    volumes: [source, { name: 'trusted-ca', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
    mounts: [{ name: 'trusted-ca', mountPath: TRUSTED_CA_DIR, readOnly: true }],
    env: [{ name: 'SSL_CERT_FILE', value: TRUSTED_CA_FILE }, { name: 'REQUESTS_CA_BUNDLE', value: TRUSTED_CA_FILE }],
  };
}

/** The bundle is the user's: a ConfigMap or Secret the doctor will not find among the app's objects. */
export function declareTrustedCaBundle(scope: IConstruct, namespace: string, bundle: TrustedCaBundle): void {
  DoctorDeclarations.of(scope).declare({
    kind: bundle.configMapName !== undefined ? ReferencedKind.CONFIG_MAP : ReferencedKind.SECRET,
    namespace, name: (bundle.configMapName ?? bundle.secretName)!, reason: 'KasmControlPlane trustedCaBundle (yours: PEM certificates of your private CAs)',
  });
}
