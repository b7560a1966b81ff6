/**
 * Why a PersistentVolumeClaim stays Pending: a StorageClass that does not exist, a provisioner that never acts or
 * fails, or no default class.
 *
 * The database is the only stateful Kasm component, so an unbound claim silently stops everything behind it; the
 * PV controller's events say which of these it is, and the dump's StorageClasses confirm it.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, where } from '../cause';
import { eventTime } from '../dump';
import { KubeObject } from '../types';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';

/** The claims a pod mounts (named claims and generic ephemeral volumes), in volume order. */
export function claimNamesOf(pod: KubeObject): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v: any) => {
    if (v.persistentVolumeClaim?.claimName) return [v.persistentVolumeClaim.claimName as string];
    if (v.ephemeral) return [`${pod.metadata.name}-${v.name}`];
    return [];
  });
}

/** The claims of a pod that are not Bound (missing ones included, as undefined objects with their name). */
export function unboundClaimsOf(ctx: DiagnosisContext, pod: KubeObject): { name: string; pvc?: KubeObject }[] {
  return claimNamesOf(pod)
    .map((name) => ({ name, pvc: ctx.dump.get('PersistentVolumeClaim', name) }))
    .filter(({ pvc }) => pvc?.status?.phase !== 'Bound');
}

function classOf(ctx: DiagnosisContext, pvc: KubeObject): { name?: string; defaulted: boolean } {
  const named: string | undefined = pvc.spec?.storageClassName ?? pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (named !== undefined) return { name: named, defaulted: false };
  const def = ctx.dump.all('StorageClass').find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return { name: def?.metadata.name, defaulted: true };
}

function fixForMissingClass(ctx: DiagnosisContext, pvcName: string, className: string): string {
  const k3s = className === 'local-path'
    ? ' (on k3s the local-storage addon provides local-path: check that k3s was not started with --disable local-storage)'
    : '';
  const setting = ctx.dump.namespace === ctx.home ? 'the KasmDatabase storageClassName' : 'the database\'s storage class (CnpgDatabase storageClass)';
  return `create the StorageClass the claim names${k3s}, or set ${setting} to a class that exists `
    + `(kubectl get storageclass), re-synthesize and re-apply; a PVC keeps its class, so delete the Pending PVC when the class changes (${kubectl(ctx, `delete pvc ${pvcName}`)})`;
}

function fixForSilentProvisioner(provisioner: string): string {
  if (provisioner === 'rancher.io/local-path') {
    return 'start the local-path provisioner: on k3s it is the local-path-provisioner Deployment in kube-system '
      + '(kubectl -n kube-system get deploy local-path-provisioner; kubectl -n kube-system logs deploy/local-path-provisioner); '
      + 'elsewhere install it or pick a StorageClass whose provisioner runs';
  }
  return `install or repair the provisioner ${provisioner} (its CSI controller pods must run), or set the KasmDatabase `
    + 'storageClassName to a class whose provisioner runs, re-synthesize and re-apply';
}

/**
 * Explains a Pending claim, starting with a hop for the claim itself.
 *
 * `consumer` names the pod that waits for it, for the summary. Returns undefined when the claim only waits for its
 * pod to be scheduled (WaitForFirstConsumer without a selected node): then the scheduler, not storage, is the cause.
 */
export function explainPendingClaim(ctx: DiagnosisContext, name: string, pvc: KubeObject | undefined, consumer: string): Explanation | undefined {
  if (!pvc) {
    return explain([`PVC ${name} does not exist`], {
      id: `pvc-missing:${name}`, severity: 'stuck',
      summary: `PVC ${name} does not exist, so ${consumer} cannot start`,
      confirm: kubectl(ctx, `get pvc ${name}`),
      fix: `create PVC ${name} (a StatefulSet recreates its claims when the pod is deleted: kubectl -n ${ctx.dump.namespace} delete pod ${consumer})`,
      evidence: [],
    });
  }
  const events = ctx.dump.eventsFor('PersistentVolumeClaim', name);
  const failed = ctx.dump.latestEvent('PersistentVolumeClaim', name, ['ProvisioningFailed']);
  const external = ctx.dump.latestEvent('PersistentVolumeClaim', name, ['ExternalProvisioning']);
  const acted = events.some((e) => e.reason === 'Provisioning' || e.reason === 'ProvisioningSucceeded');
  const evidence = events.filter((e) => e.type === 'Warning' || e.reason === 'ExternalProvisioning').slice(-3).map(eventLine);
  const phase = pvc.status?.phase ?? 'Pending';
  const cls = classOf(ctx, pvc);
  const claimHop = (why: string) => `PVC ${where(ctx, name)} ${phase}: ${why}`;

  if (cls.name === undefined || cls.name === '') {
    if (pvc.spec?.volumeName) return undefined;
    return explain([claimHop('names no StorageClass and the cluster has no default one')], {
      id: `storageclass-no-default:${name}`, severity: 'stuck',
      summary: `PVC ${name} names no StorageClass and no StorageClass is marked default, so ${consumer} cannot be scheduled`,
      confirm: 'kubectl get storageclass',
      fix: `set the KasmDatabase storageClassName to a class that exists, or mark one default (kubectl patch storageclass <name> -p '{"metadata":{"annotations":{"${DEFAULT_CLASS_ANNOTATION}":"true"}}}')`,
      evidence,
    });
  }
  const sc = ctx.dump.get('StorageClass', cls.name);
  if (!sc) {
    const why = failed ? `ProvisioningFailed, ${failed.message}` : `names StorageClass ${cls.name}`;
    return explain([claimHop(why), `StorageClass ${cls.name} does not exist`], {
      id: `storageclass-missing:${cls.name}`, severity: 'stuck',
      summary: `StorageClass "${cls.name}" does not exist, so PVC ${where(ctx, name)} is never bound and ${consumer} cannot be scheduled`,
      confirm: `kubectl get storageclass ${cls.name}`,
      fix: fixForMissingClass(ctx, name, cls.name),
      evidence: [...evidence, `StorageClasses in the cluster: ${ctx.dump.all('StorageClass').map((s) => s.metadata.name).join(', ') || 'none'}`],
    });
  }
  const provisioner: string = sc.provisioner ?? '';
  if (provisioner === 'kubernetes.io/no-provisioner') {
    return explain([claimHop(`StorageClass ${cls.name} has no provisioner`), `no PersistentVolume matches PVC ${name}`], {
      id: `storageclass-static:${cls.name}`, severity: 'stuck',
      summary: `StorageClass "${cls.name}" provisions nothing (kubernetes.io/no-provisioner) and no PersistentVolume matches PVC ${name}`,
      confirm: `kubectl get pv; ${kubectl(ctx, `describe pvc ${name}`)}`,
      fix: `create a PersistentVolume of class ${cls.name} with at least ${pvc.spec?.resources?.requests?.storage ?? 'the requested size'}, or use a StorageClass with a provisioner`,
      evidence,
    });
  }
  if (failed && (!external || eventTime(failed) >= eventTime(external))) {
    return explain([claimHop(`ProvisioningFailed, ${failed.message}`), `provisioner ${provisioner} fails`], {
      id: `provisioning-failed:${name}`, severity: 'stuck',
      summary: `the provisioner ${provisioner} of StorageClass "${cls.name}" fails to create a volume for PVC ${name}: ${failed.message}`,
      confirm: kubectl(ctx, `describe pvc ${name}`),
      fix: `read the provisioner's log and fix what it reports (${provisioner}); then the claim binds on its own`,
      evidence,
    });
  }
  const waitingForNode = !pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION] && sc.volumeBindingMode === 'WaitForFirstConsumer';
  if (waitingForNode) return undefined;
  if (!acted) {
    const why = external ? `ExternalProvisioning, waiting for ${provisioner} to create the volume` : `no provisioner has acted on it`;
    return explain([claimHop(why), `provisioner ${provisioner} of StorageClass ${cls.name} is not running`], {
      id: `provisioner-not-running:${provisioner}`, severity: 'stuck',
      summary: `StorageClass "${cls.name}" exists but its provisioner ${provisioner} never acted, so PVC ${name} is never bound and ${consumer} cannot start`,
      confirm: `${kubectl(ctx, `describe pvc ${name}`)}   # Events: only ExternalProvisioning, no Provisioning`,
      fix: fixForSilentProvisioner(provisioner),
      evidence,
    });
  }
  return explain([claimHop('the provisioner acted but the claim is still not bound')], {
    id: `pvc-unbound:${name}`, severity: 'stuck',
    summary: `PVC ${name} of StorageClass "${cls.name}" is still not bound although ${provisioner} acted on it`,
    confirm: kubectl(ctx, `describe pvc ${name}`),
    fix: `check the PersistentVolume ${provisioner} created (kubectl get pv) and the provisioner's log`,
    evidence,
  });
}

/** The PersistentVolume bound to a claim, if any (for node-affinity conflicts of local volumes). */
export function volumeOf(ctx: DiagnosisContext, claim: string): KubeObject | undefined {
  const pvc = ctx.dump.get('PersistentVolumeClaim', claim);
  const volumeName = pvc?.spec?.volumeName;
  return volumeName ? ctx.dump.get('PersistentVolume', volumeName) : undefined;
}
