/**
 * The in-cluster secret generator: a Job that creates the credentials Secret and the internal CA and leaf
 * certificates once, and never overwrites a value, so re-syncs and reinstalls keep what the database already has.
 */
import * as fs from 'fs';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IKasmControlPlane } from '../control-plane/interface';
import { digest, selectorLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { hardenedContainer, hardenedPod, imageName, resourceRequirements, writableVolumes } from '../core/pod';
import { GeneratorPlan, InvalidPlanError, validatePlan } from './generator/plan';
import { fail } from '../core/validation';
import { FlowEnd } from './network-peer';

/** The image of the generator Job: Docker's official Node.js image, pinned; the script uses only Node built-ins. */
export const GENERATOR_IMAGE = { repository: 'node', tag: '24.21.0-alpine' };
/** The official Node.js image's unprivileged `node` user. */
const GENERATOR_UID = 1000;
const GENERATOR_DIR = '/opt/kasm-generator';

/** The generator's one-file bundle (`npm run generator`), shipped beside this module (copied into `build/` by `npm run build`). */
function generatorScript(): string {
  return fs.readFileSync(path.join(__dirname, 'generator', 'secret-generator.generated.js'), 'utf8');
}

/** Props of {@link SecretGenerator}. */
export interface SecretGeneratorProps {
  readonly controlPlane: IKasmControlPlane;
  /** What to create: the credentials keys, the CA and the leaf certificates. */
  readonly plan: GeneratorPlan;
  readonly labels: Record<string, string>;
}

/**
 * The generator Job with its ServiceAccount, Role and plan. It is the one pod that mounts a ServiceAccount token:
 * its Role allows only `create` on Secrets (Kubernetes cannot restrict `create` by name) and `get`/`patch` on the
 * named ones.
 */
export class SecretGenerator extends Construct {
  /** The generator's pods, for its API server flows. */
  public readonly pods: FlowEnd;

  constructor(scope: Construct, id: string, props: SecretGeneratorProps) {
    super(scope, id);
    const { plan, labels, controlPlane: cp } = props;
    const name = `${cp.name}-secret-generator`;
    const meta = (n: string) => ({ name: n, namespace: cp.namespace, labels, annotations: waveAnnotation(SyncWave.SECRETS) });
    // The Job would reject a plan it cannot carry out; better to fail synth with the same words.
    try {
      validatePlan(plan);
    } catch (e) {
      if (!(e instanceof InvalidPlanError)) throw e;
      fail('KasmSecurity', 'generator plan', e.problem, 'is not accepted by the in-cluster generator; check the host names and Secret names');
    }
    // It patches only what it may complete: missing credential keys, and leaves whose names changed. Never the CA.
    const patched = [
      ...(plan.credentials ? [plan.credentials.secretName] : []),
      ...(plan.certificates ?? []).map((c) => c.secretName),
    ];
    const secretNames = [...patched, ...(plan.ca ? [plan.ca.secretName] : [])];
    const sa = new k8s.KubeServiceAccount(this, 'GeneratorServiceAccount', { metadata: meta(name) });
    const role = new k8s.KubeRole(this, 'GeneratorRole', {
      metadata: meta(name),
      rules: [
        // `create` cannot be limited to names (the name is not known at authorization time).
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: secretNames, verbs: ['get'] },
        ...(patched.length > 0 ? [{ apiGroups: [''], resources: ['secrets'], resourceNames: patched, verbs: ['patch'] }] : []),
      ],
    });
    new k8s.KubeRoleBinding(this, 'GeneratorRoleBinding', {
      metadata: meta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: cp.namespace }],
    });
    const files = { 'plan.json': `${JSON.stringify(plan, null, 2)}\n`, 'secret-generator.js': generatorScript() };
    const cm = new k8s.KubeConfigMap(this, 'GeneratorConfig', { metadata: meta(name), data: files });
    const selector = selectorLabels(cp.name, name);
    const podLabels = { ...labels, ...selector };
    const writable = writableVolumes([{ path: '/tmp', sizeLimit: '16Mi' }]);
    const podSpec: k8s.PodSpec = {
      serviceAccountName: sa.name,
      // The one pod with an API token: it creates the Secrets.
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      // Never, with a backoff limit: a failed pod stays for inspection (OnFailure would replace it and lose the error).
      restartPolicy: 'Never',
      securityContext: hardenedPod(GENERATOR_UID),
      containers: [{
        name: 'secret-generator',
        image: imageName(GENERATOR_IMAGE, cp.imageRegistry),
        imagePullPolicy: 'IfNotPresent',
        command: ['node', `${GENERATOR_DIR}/secret-generator.js`, `${GENERATOR_DIR}/plan.json`],
        resources: resourceRequirements({
          cpuRequest: '50m', cpuLimit: '1000m', memoryRequest: '64Mi', memoryLimit: '256Mi',
          ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '64Mi',
        }),
        // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
        terminationMessagePolicy: 'FallbackToLogsOnError',
        securityContext: hardenedContainer(GENERATOR_UID),
        volumeMounts: [{ name: 'generator', mountPath: GENERATOR_DIR, readOnly: true }, ...writable.mounts],
      }],
      volumes: [{ name: 'generator', configMap: { name: cm.name, defaultMode: 0o444 } }, ...writable.volumes],
    };
    new k8s.KubeJob(this, 'Job', {
      // Named after its inputs: an unchanged plan is left alone by re-syncs, a changed one runs again (it only fills gaps).
      metadata: { ...meta(`${name}-${digest({ files, podSpec }, 6)}`) },
      spec: { backoffLimit: 6, template: { metadata: { labels: podLabels }, spec: podSpec } },
    });
    this.pods = { kind: 'pods', name: 'secret-generator', namespace: cp.namespace, selector };
  }
}
