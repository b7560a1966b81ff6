/** The credentials Secret (random tokens, missing keys completed, never a value overwritten) and its copies. */
import { b64, GeneratorSummaryEntry, Log, newSecret } from './generated-secret';
import { MAX_ATTEMPTS, Secret, SecretsApi } from './kube-client';
import type { GeneratorMirror, GeneratorPlan } from './plan';
import { randomToken } from './random';

type Credentials = NonNullable<GeneratorPlan['credentials']>;

function randomData(keys: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const k of keys) data[k] = b64(randomToken(32));
  return data;
}

/** Creates the credentials Secret, or adds only the keys it lacks. */
export async function ensureCredentials(plan: GeneratorPlan, credentials: Credentials, api: SecretsApi, log: Log): Promise<GeneratorSummaryEntry> {
  const { secretName, keys } = credentials;
  const label = `${plan.namespace}/${secretName}`;
  let existing = await api.get(secretName);
  if (!existing) {
    if (await api.create(newSecret(plan, secretName, 'Opaque', randomData(keys)))) {
      log(`${label}: created with keys [${keys.join(', ')}]`);
      return { secret: secretName, action: 'created', keys: [...keys] };
    }
    existing = await api.get(secretName);
    if (!existing) throw new Error(`create Secret ${label} returned 409 Conflict but the Secret cannot be read back`);
  }
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const present = existing.data ?? {};
    const missing = keys.filter((k) => !Object.prototype.hasOwnProperty.call(present, k));
    if (missing.length === 0) {
      log(`${label}: exists, left unchanged`);
      return { secret: secretName, action: 'unchanged' };
    }
    // resourceVersion makes the patch conditional: a key added concurrently is never overwritten.
    if (await api.mergePatch(secretName, { metadata: { resourceVersion: existing.metadata.resourceVersion }, data: randomData(missing) })) {
      log(`${label}: completed missing keys [${missing.join(', ')}]`);
      return { secret: secretName, action: 'patched', keys: missing };
    }
    const again: Secret | null = await api.get(secretName);
    if (!again) throw new Error(`Secret ${label} disappeared while its missing keys were being added`);
    existing = again;
  }
  throw new Error(`Secret ${label} kept changing while its missing keys were being added; retry the Job`);
}

/**
 * Copies one credential into another namespace as a `kubernetes.io/basic-auth` Secret (a database there reads its
 * password from it; Secrets do not cross namespaces). Created once; an existing copy is never overwritten.
 */
export async function ensureMirror(
  plan: GeneratorPlan, credentials: Credentials, api: SecretsApi, targetApi: SecretsApi, mirror: GeneratorMirror, log: Log,
): Promise<GeneratorSummaryEntry> {
  const label = `${mirror.namespace}/${mirror.secretName}`;
  const source = `${plan.namespace}/${credentials.secretName}`;
  const stored = await api.get(credentials.secretName);
  const value = stored?.data?.[mirror.fromKey];
  if (!value) throw new Error(`cannot copy ${mirror.fromKey} to ${label}: ${source} has no such key`);
  const existing = await targetApi.get(mirror.secretName);
  if (existing) {
    const same = existing.data?.password === value;
    log(`${label}: exists, left unchanged${same ? '' : ` (its password differs from ${source}; reconcile them by hand)`}`);
    return { secret: label, action: 'unchanged' };
  }
  const secret = newSecret(plan, mirror.secretName, 'kubernetes.io/basic-auth', { username: b64(mirror.username), password: value }, mirror.namespace);
  if (await targetApi.create(secret)) {
    log(`${label}: created with the ${mirror.fromKey} of ${source}`);
    return { secret: label, action: 'created', keys: ['username', 'password'] };
  }
  log(`${label}: exists (created concurrently), left unchanged`);
  return { secret: label, action: 'unchanged' };
}
