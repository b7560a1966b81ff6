/**
 * Edges whose far end the dump cannot show as pods: a namespace the dump does not hold, and a database outside the
 * cluster (DNS, refused, or dropped by a policy or firewall).
 *
 * Both used to end as "not deployed", which sent users to re-apply manifests that were fine; what can be known is
 * the namespace to dump, or the wait loop's own last words (its termination message) and the egress policies.
 */
import { Cause, DiagnosisContext, explain, Explanation, kubectl } from '../cause';
import { WaitTarget } from '../topology';
import { KubeObject } from '../types';
import { endpointOf } from './network';

/** The edge leads into a namespace the dump holds nothing of (made with the old one-namespace command). */
export function explainMissingNamespace(ctx: DiagnosisContext, namespace: string, service: string): Explanation {
  return explain([`the dump holds nothing of namespace ${namespace}, where ${service} lives`], {
    id: `namespace-not-in-dump:${namespace}`, severity: 'stuck', namespace,
    summary: `what ${service} stands for lives in namespace ${namespace}, and the dump holds nothing of it, so the cause there cannot be read`,
    confirm: `kubectl -n ${namespace} get all,pvc,events,clusters.postgresql.cnpg.io`,
    fix: `run diagnose against the cluster (cdk8s-kasm diagnose -n ${ctx.home}), or write a dump that follows the deployment's namespaces: cdk8s-kasm diagnose -n ${ctx.home} --dump dump.json`,
    evidence: [`namespaces in the dump: ${ctx.dump.namespaces().join(', ') || 'none'}`],
  });
}

/** Known failures of a connection, as psql, pg_isready and curl print them, and what each means. */
const CONNECT_FAILURES: { kind: string; pattern: RegExp; what: string; fix: (host: string, port: number) => string }[] = [
  {
    kind: 'dns', pattern: /could not translate host name|Name or service not known|Temporary failure in name resolution|Could not resolve host|no such host/i,
    what: 'does not resolve from inside the cluster',
    fix: (host) => `correct the database host (KasmDatabase.fromEndpoint host) or make ${host} resolvable from pods (kubectl -n kube-system get pods -l k8s-app=kube-dns; a CoreDNS forward or stub zone)`,
  },
  {
    kind: 'refused', pattern: /Connection refused/i,
    what: 'refuses the connection (nothing listens there)',
    fix: (host, port) => `start the database or correct the port: ${host} answers but nothing listens on ${port} (check its listen_addresses and port)`,
  },
  {
    kind: 'unreachable', pattern: /timeout expired|timed out|No route to host|Network is unreachable/i,
    what: 'does not answer (the packets are dropped: a NetworkPolicy, a firewall or a security group)',
    fix: (host, port) => `allow the connection: an egress rule to ${host}:${port} in the control plane's NetworkPolicies (the database's networkPeer), and the database side's firewall or security group`,
  },
];

/** The wait loop's own output: its termination message (FallbackToLogsOnError keeps the log's last lines). */
function waitOutput(status: any): string {
  return String(status?.state?.terminated?.message ?? status?.lastState?.terminated?.message ?? '');
}

/** The egress policies that isolate a pod, when the model is available. */
function egressPolicies(ctx: DiagnosisContext, pod: KubeObject): string[] {
  return ctx.policies ? ctx.policies.policiesSelecting(endpointOf(pod), 'egress') : [];
}

/** A wait loop on a database outside the cluster: classified by what the loop last printed. */
export function explainExternalWait(ctx: DiagnosisContext, pod: KubeObject, wait: WaitTarget, status: any): Explanation {
  const host = wait.external ?? wait.host;
  const output = waitOutput(status);
  const failure = CONNECT_FAILURES.find((f) => f.pattern.test(output));
  const line = output.split('\n').map((l) => l.trim()).filter((l) => CONNECT_FAILURES.some((f) => f.pattern.test(l))).slice(-1)[0];
  const logs = kubectl(ctx, `logs ${pod.metadata.name} -c ${wait.container}${status?.state?.terminated ? '' : ' --previous'} --tail=20`);
  const policies = egressPolicies(ctx, pod);
  let cause: Cause;
  if (failure) {
    cause = {
      id: `external-db-${failure.kind}:${host}:${wait.port}`, severity: 'stuck',
      summary: `the external database ${host}:${wait.port} ${failure.what}: ${line}`,
      confirm: logs,
      fix: failure.fix(host, wait.port),
      evidence: [`${wait.container}: ${line}`, ...(failure.kind === 'unreachable' && policies.length > 0 ? [`egress of ${pod.metadata.name} is isolated by ${policies.join(', ')}`] : [])],
    };
  } else {
    cause = {
      id: `external-db:${host}:${wait.port}`, severity: 'stuck',
      summary: `${wait.container} of ${pod.metadata.name} still waits for the external database ${host}:${wait.port}; the dump holds no answer from it (container logs are not part of a dump)`,
      confirm: logs,
      fix: `read the wait loop's log: "could not translate host name" is DNS, "Connection refused" a database that does not listen, "timeout expired" a NetworkPolicy or firewall${policies.length > 0 ? ` (egress isolated by ${policies.join(', ')})` : ''}`,
      evidence: policies.length > 0 ? [`egress of ${pod.metadata.name} is isolated by ${policies.join(', ')}`] : [],
    };
  }
  return explain([`external database ${host}:${wait.port}${failure ? ` ${failure.what}` : ''}`], cause);
}
