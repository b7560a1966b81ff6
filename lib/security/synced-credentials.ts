/**
 * The credentials Secret synced from outside the cluster: an External Secrets `ExternalSecret` or a Sealed Secrets
 * `SealedSecret` (ciphertext, safe in git).
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/externalsecrets-externalsecret-external-secrets.io';
import { SealedSecret } from '../../imports/sealedsecrets-sealedsecret-bitnami.com';
import { IKasmControlPlane } from '../control-plane/interface';
import { SyncWave, waveAnnotation } from '../core/metadata';
import { fail } from '../core/validation';
import { ExternalSecretsOptions, ExternalSecretStoreKind, SealedSecretScope, SealedSecretsOptions } from './sources';

/** An ExternalSecret that syncs every contract key into the credentials Secret. */
export function addExternalSecret(scope: Construct, cp: IKasmControlPlane, o: ExternalSecretsOptions, labels: Record<string, string>): void {
  const owner = 'KasmSecurity';
  const interval = (o.refreshInterval ?? Duration.hours(1)).toSeconds({ integral: false });
  if (!Number.isInteger(interval)) fail(owner, 'credentials.refreshInterval', `${interval}s`, 'is not whole seconds');
  new ExternalSecret(scope, 'Credentials', {
    metadata: { name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) },
    spec: {
      refreshInterval: `${interval}s`,
      secretStoreRef: { name: o.storeName, kind: (o.storeKind ?? ExternalSecretStoreKind.SECRET_STORE) as unknown as ExternalSecretSpecSecretStoreRefKind },
      target: {
        name: cp.secrets.credentialsSecretName,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        // Keep the Secret if the store loses a key: the database still has the old password.
        deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
      },
      data: cp.version.contract.secretKeys.map((key) => ({
        secretKey: key,
        remoteRef: { key: o.remoteKey, property: o.remoteProperties?.[key] ?? key },
      })),
    },
  });
}

/** A SealedSecret whose controller decrypts it into the credentials Secret. */
export function addSealedSecret(scope: Construct, cp: IKasmControlPlane, o: SealedSecretsOptions, labels: Record<string, string>): void {
  const sealScope = o.scope ?? SealedSecretScope.STRICT;
  const scopeAnnotation: Record<string, string> = sealScope === SealedSecretScope.NAMESPACE_WIDE
    ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }
    : sealScope === SealedSecretScope.CLUSTER_WIDE ? { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } : {};
  const encryptedData = Object.fromEntries(cp.version.contract.secretKeys.map((k) => [k, o.encryptedData[k]!]));
  new SealedSecret(scope, 'Credentials', {
    metadata: {
      name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels,
      annotations: { ...waveAnnotation(SyncWave.SECRETS), ...scopeAnnotation },
    },
    spec: {
      encryptedData,
      template: { metadata: { name: cp.secrets.credentialsSecretName, namespace: cp.namespace, labels }, type: 'Opaque' },
    },
  });
}
