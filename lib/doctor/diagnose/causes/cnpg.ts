/**
 * A CloudNativePG Cluster that is not healthy, walked in its own namespace: its bootstrap Secret, its initdb and
 * instance pods, their claims, its conditions and events, and whether the operator that writes its status runs.
 *
 * A CNPG database is an operator-managed Cluster (status written by the operator, see the `Cluster` CRD's
 * `status.phase`, `phaseReason`, `readyInstances`, `conditions`), so its status says more than any pod of it, and
 * a Cluster without status means its operator never looked at it.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, prepend, Walk, where } from '../cause';
import { isPodReady, isPodSucceeded } from '../pod-status';
import { CNPG_CLUSTER_LABEL } from '../topology';
import { KubeObject } from '../types';
import { explainMissingRef } from './secrets';
import { explainPendingClaim } from './storage';

const HEALTHY_PHASE = 'Cluster in healthy state';
/** The label CNPG puts on a bootstrap Job's pods (`initdb`, `join`, ...). */
const JOB_ROLE_LABEL = 'cnpg.io/jobRole';
/** The label of the operator's own pods (its Helm chart and its release manifest both set it). */
const OPERATOR_LABEL = 'app.kubernetes.io/name';
const OPERATOR_NAME = 'cloudnative-pg';
const OPERATOR_DEPLOYMENT = 'cnpg-controller-manager';

/** Whether an object is a CloudNativePG Cluster. */
export function isCnpgCluster(o: KubeObject): boolean {
  return o.kind === 'Cluster' && (o.apiVersion ?? '').startsWith('postgresql.cnpg.io/');
}

/** CloudNativePG Clusters of the context's namespace. */
export function cnpgClusters(ctx: DiagnosisContext): KubeObject[] {
  return ctx.dump.all('Cluster').filter(isCnpgCluster);
}

/** The Cluster behind a database host: CNPG's Services are `<cluster>-rw`, `-ro` and `-r`. */
export function cnpgClusterForHost(ctx: DiagnosisContext, host: string): KubeObject | undefined {
  return cnpgClusters(ctx).find((c) => [`${c.metadata.name}-rw`, `${c.metadata.name}-ro`, `${c.metadata.name}-r`].includes(host));
}

/** Whether a Cluster reports itself healthy with every instance ready. */
export function isCnpgHealthy(cluster: KubeObject): boolean {
  const instances = cluster.spec?.instances ?? cluster.status?.instances ?? 1;
  return cluster.status?.phase === HEALTHY_PHASE && (cluster.status?.readyInstances ?? 0) >= instances;
}

function conditionLines(cluster: KubeObject): string[] {
  return (cluster.status?.conditions ?? []).map((c: any) => `Cluster condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
}

/** The operator's pods and Deployment wherever the dump holds them (usually namespace cnpg-system). */
function operatorOf(ctx: DiagnosisContext): { deployment?: KubeObject; pods: KubeObject[] } {
  const deployment = ctx.dump.everywhere('Deployment').find((d) => d.metadata.name === OPERATOR_DEPLOYMENT
    || d.spec?.template?.metadata?.labels?.[OPERATOR_LABEL] === OPERATOR_NAME);
  const pods = ctx.dump.everywhere('Pod').filter((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.[OPERATOR_LABEL] === OPERATOR_NAME);
  return { deployment, pods };
}

/** Explains an operator that does not run; undefined when it runs or the dump does not hold it (and the Cluster has status). */
function explainOperator(ctx: DiagnosisContext, walk: Walk, cluster: KubeObject): Explanation | undefined {
  const { deployment, pods } = operatorOf(ctx);
  const stuck = pods.filter((p) => !isPodReady(p));
  if (pods.length > 0 && stuck.length === pods.length) {
    return prepend([`the CloudNativePG operator has no Ready pod, so nothing reconciles Cluster ${where(ctx, cluster.metadata.name)}`], walk.pod(stuck[0]));
  }
  if (deployment && pods.length === 0) {
    const ns = deployment.metadata.namespace ?? 'cnpg-system';
    return explain([`Deployment ${ns}/${deployment.metadata.name} (the CloudNativePG operator) has no pods`], {
      id: `cnpg-operator-down:${ns}`, severity: 'stuck', namespace: ns,
      summary: `the CloudNativePG operator Deployment ${ns}/${deployment.metadata.name} runs no pod (${deployment.spec?.replicas === 0 ? 'scaled to 0' : 'none created'}), so Cluster ${where(ctx, cluster.metadata.name)} is never set up`,
      confirm: `kubectl -n ${ns} get deployment ${deployment.metadata.name}`,
      fix: deployment.spec?.replicas === 0 ? `kubectl -n ${ns} scale deployment ${deployment.metadata.name} --replicas=1` : `kubectl -n ${ns} describe deployment ${deployment.metadata.name} and fix what its events report`,
      evidence: [],
    });
  }
  if (cluster.status?.phase) return undefined;
  return explain([`Cluster ${where(ctx, cluster.metadata.name)} has no status: no CloudNativePG operator has reconciled it`], {
    id: `cnpg-operator-missing:${ctx.dump.namespace}/${cluster.metadata.name}`, severity: 'stuck',
    summary: `CloudNativePG Cluster ${cluster.metadata.name} in namespace ${ctx.dump.namespace} has no status at all: the CloudNativePG operator is not installed, not running, or does not watch namespace ${ctx.dump.namespace}`,
    confirm: `kubectl get deployments -A -l ${OPERATOR_LABEL}=${OPERATOR_NAME}; ${kubectl(ctx, `get clusters.postgresql.cnpg.io ${cluster.metadata.name} -o jsonpath='{.status}'`)}`,
    fix: 'install the CloudNativePG operator (its release manifest or Helm chart; it runs as Deployment cnpg-controller-manager in namespace cnpg-system), or start it if it is scaled down; it then creates the initdb Job and the instances',
    evidence: pods.length === 0 && !deployment ? ['the dump holds no operator Deployment or pod (label app.kubernetes.io/name=cloudnative-pg) in any namespace'] : [],
  });
}

/** The bootstrap Secret a Cluster's initdb reads, when the dump holds this namespace's Secrets and it is missing. */
function missingBootstrapSecret(ctx: DiagnosisContext, cluster: KubeObject): string | undefined {
  const name = cluster.spec?.bootstrap?.initdb?.secret?.name;
  if (typeof name !== 'string' || ctx.dump.all('Secret').length === 0) return undefined;
  return ctx.dump.get('Secret', name) ? undefined : name;
}

/** Pods of a Cluster that are not Ready, the bootstrap (initdb) Job's first: the primary cannot exist before it. */
function stuckPodsOf(ctx: DiagnosisContext, name: string): KubeObject[] {
  const pods = ctx.dump.podsWithLabels({ [CNPG_CLUSTER_LABEL]: name }).filter((p) => !isPodReady(p) && !isPodSucceeded(p));
  return pods.sort((a, b) => Number(!a.metadata.labels?.[JOB_ROLE_LABEL]) - Number(!b.metadata.labels?.[JOB_ROLE_LABEL]));
}

/**
 * Explains an unhealthy Cluster, starting with a hop for the Cluster: through its operator, bootstrap Secret, stuck
 * pods or unbound claims when one of them is the reason, else from its own status.
 */
export function explainCnpgCluster(ctx: DiagnosisContext, walk: Walk, cluster: KubeObject): Explanation | undefined {
  if (isCnpgHealthy(cluster)) return undefined;
  const name = cluster.metadata.name;
  const instances = cluster.spec?.instances ?? 1;
  const ready = cluster.status?.readyInstances ?? 0;
  const phase = cluster.status?.phase ?? 'no status';
  const hop = `Cluster ${where(ctx, name)} "${phase}": ${ready}/${instances} instances ready${cluster.status?.phaseReason ? `, ${cluster.status.phaseReason}` : ''}`;
  const operator = explainOperator(ctx, walk, cluster);
  if (operator) return prepend([hop], operator);
  const secret = missingBootstrapSecret(ctx, cluster);
  if (secret) return prepend([hop], explainMissingRef(ctx, walk, { kind: 'Secret', name: secret }, `the initdb bootstrap of Cluster ${name}`));
  const pods = stuckPodsOf(ctx, name);
  if (pods[0]) return prepend([hop], walk.pod(pods[0]));
  const claims = ctx.dump.all('PersistentVolumeClaim').filter((c) => c.metadata.labels?.[CNPG_CLUSTER_LABEL] === name && c.status?.phase !== 'Bound');
  for (const claim of claims) {
    const e = explainPendingClaim(ctx, claim.metadata.name, claim, `Cluster ${name}`);
    if (e) return prepend([hop], e);
  }
  const events = ctx.dump.eventsFor('Cluster', name).filter((e) => e.type === 'Warning').slice(-3).map(eventLine);
  return explain([hop], {
    id: `cnpg-unhealthy:${name}`, severity: 'stuck',
    summary: `CloudNativePG Cluster ${name} in namespace ${ctx.dump.namespace} is not healthy: phase "${phase}"${cluster.status?.phaseReason ? ` (${cluster.status.phaseReason})` : ''}, ${ready}/${instances} instances ready`,
    confirm: kubectl(ctx, `get clusters.postgresql.cnpg.io ${name} -o jsonpath='{.status.phase}{"\\n"}{.status.conditions}'`),
    fix: `read the Cluster's conditions and events (${kubectl(ctx, `describe clusters.postgresql.cnpg.io ${name}`)}) and the operator's log (kubectl -n cnpg-system logs deploy/${OPERATOR_DEPLOYMENT}), and fix what they report`,
    evidence: [...conditionLines(cluster), ...events],
  });
}
