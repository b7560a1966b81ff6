/**
 * KasmAlerts: a PrometheusRule that fires on the stuck states `cdk8s-kasm diagnose` explains.
 *
 * Nobody runs diagnose until someone notices; these alerts notice for them (from kube-state-metrics series that
 * kube-prometheus-stack already scrapes) and every one of them says, in its `runbook` annotation, to run diagnose.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { SyncWave, waveAnnotation } from '../core/metadata';
import { PrometheusRule, PrometheusRuleSpecGroupsRules, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { assertDnsLabel, assertLabels, fail } from '../core/validation';
import { durationSpelled } from '../core/config-error';

/** Props for {@link KasmAlerts}. */
export interface KasmAlertsProps {
  /**
   * Namespace Kasm runs in: every expression is scoped to it, and the PrometheusRule is created there.
   * @default 'kasm'
   */
  readonly namespace?: string;
  /**
   * Instance name; the PrometheusRule is `<name>-alerts` and carries `app.kubernetes.io/instance: <name>`.
   * @default 'kasm'
   */
  readonly name?: string;
  /**
   * Labels the Prometheus `ruleSelector` matches. kube-prometheus-stack selects rules labelled
   * `release: <its Helm release name>`; installed as `kube-prometheus-stack`, that is the default here. Pass `{}`
   * when Prometheus selects every rule (`ruleSelectorNilUsesHelmValues: false`).
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly ruleSelectorLabels?: Readonly<Record<string, string>>;
  /**
   * How long a pod may sit in an init container (a wait loop, or an init container that cannot start) before
   * KasmPodStuckInInit fires. Wait loops give up after 10 minutes, so shorter thresholds catch slow first starts.
   * @default Duration.minutes(10)
   */
  readonly initWaitThreshold?: Duration;
  /**
   * Labels added to every alert, e.g. a team for Alertmanager routing.
   * @default none
   */
  readonly alertLabels?: Readonly<Record<string, string>>;
}

const OWNER = 'KasmAlerts';
const DEFAULT_RULE_SELECTOR = { release: 'kube-prometheus-stack' };
/** Longest init wait threshold accepted: a day; anything longer is not an alert. */
const MAX_INIT_WAIT_MINUTES = 24 * 60;

/** One alert before it is scoped: the expression takes the namespace selector (`namespace="kasm"`). */
interface AlertSpec {
  readonly alert: string;
  readonly expr: (ns: string) => string;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
}

/** The alerts, one per stuck state diagnose recognises from the outside. */
function alertSpecs(initWait: string): AlertSpec[] {
  return [
    {
      alert: 'KasmPodStuckInInit',
      expr: (ns) => `max by (namespace, pod, container) (kube_pod_init_container_status_running{${ns}} == 1 `
        + `or kube_pod_init_container_status_waiting_reason{${ns}, reason!="PodInitializing"} == 1)`,
      for: initWait,
      severity: 'warning',
      summary: 'A Kasm pod has been in an init container for more than {{ $labels.for }}.',
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is still in init container {{ $labels.container }}: '
        + 'a wait-for-* loop is waiting for a dependency that is not Ready, or the init container cannot start.',
    },
    {
      alert: 'KasmContainerCrashLooping',
      expr: (ns) => `max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{${ns}, reason="CrashLoopBackOff"} == 1)`,
      for: '5m',
      severity: 'critical',
      summary: 'A Kasm container is in CrashLoopBackOff.',
      description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps exiting and is restarted with back-off.',
    },
    {
      alert: 'KasmVolumeClaimPending',
      expr: (ns) => `max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{${ns}, phase="Pending"} == 1)`,
      for: '10m',
      severity: 'critical',
      summary: 'A Kasm PersistentVolumeClaim is not bound.',
      description: 'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has been Pending for 10 minutes: the database cannot start '
        + 'until it is bound (missing StorageClass, or a provisioner that does not act).',
    },
    {
      alert: 'KasmJobFailed',
      expr: (ns) => `(kube_job_status_failed{${ns}} > 0) unless on (namespace, job_name) (kube_job_complete{${ns}, condition="true"} == 1)`,
      for: '1m',
      severity: 'critical',
      summary: 'A Kasm Job has failed pods and has not completed.',
      description: 'Job {{ $labels.namespace }}/{{ $labels.job_name }} (the secret-generator or db-init step) has {{ $value }} failed pod(s) '
        + 'and has not completed; everything that needs its Secrets or its database schema waits.',
    },
    {
      alert: 'KasmDeploymentUnavailable',
      expr: (ns) => `max by (namespace, deployment) (kube_deployment_status_replicas_unavailable{${ns}} > 0)`,
      for: '15m',
      severity: 'warning',
      summary: 'A Kasm Deployment has unavailable replicas.',
      description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had {{ $value }} unavailable replica(s) for 15 minutes.',
    },
  ];
}

/** Whole minutes of the init wait threshold, as a Prometheus duration. */
function initWaitFor(threshold: Duration): string {
  const seconds = threshold.toSeconds({ integral: false });
  const minutes = seconds / 60;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_INIT_WAIT_MINUTES) {
    fail(OWNER, 'initWaitThreshold', `${seconds}s`, [`is not accepted; pass whole minutes from 1 to ${MAX_INIT_WAIT_MINUTES}, e.g. `, durationSpelled(10, 'm')]);
  }
  return `${minutes}m`;
}

/**
 * A PrometheusRule with alerts for Kasm pods stuck in init containers, crash-looping containers, Pending claims,
 * failed Jobs and Deployments with unavailable replicas, each pointing at `cdk8s-kasm diagnose`.
 *
 * Needs the Prometheus Operator CRDs and kube-state-metrics (both part of kube-prometheus-stack).
 */
export class KasmAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly rule: PrometheusRule;
  /** Namespace the expressions are scoped to. */
  public readonly namespace: string;
  /** Names of the alerts, in rule order. */
  public readonly alertNames: readonly string[];

  constructor(scope: Construct, id: string, props: KasmAlertsProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? 'kasm';
    const name = props.name ?? 'kasm';
    assertDnsLabel(OWNER, 'namespace', namespace);
    assertDnsLabel(OWNER, 'name', name);
    const selectorLabels = props.ruleSelectorLabels ?? DEFAULT_RULE_SELECTOR;
    assertLabels(OWNER, 'ruleSelectorLabels', selectorLabels);
    const alertLabels = props.alertLabels ?? {};
    assertLabels(OWNER, 'alertLabels', alertLabels);
    if ('severity' in alertLabels) {
      fail(OWNER, 'alertLabels', alertLabels, 'sets \'severity\', which every alert sets itself (warning or critical); route on another label');
    }
    const initWait = initWaitFor(props.initWaitThreshold ?? Duration.minutes(10));
    const selector = `namespace="${namespace}"`;
    const runbook = `Run \`cdk8s-kasm diagnose -n ${namespace}\` for the root cause, the command that confirms it and the fix; `
      + `attach the dump of \`cdk8s-kasm diagnose -n ${namespace} --print-dump-command\` to a bug report.`;
    const specs = alertSpecs(initWait);
    const rules: PrometheusRuleSpecGroupsRules[] = specs.map((s) => ({
      alert: s.alert,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(s.expr(selector)),
      for: s.for,
      labels: { ...alertLabels, severity: s.severity },
      annotations: { summary: s.summary.replace('{{ $labels.for }}', s.for), description: s.description, runbook },
    }));
    this.namespace = namespace;
    this.alertNames = specs.map((s) => s.alert);
    this.rule = new PrometheusRule(this, 'Rule', {
      metadata: {
        name: `${name}-alerts`,
        namespace,
        labels: {
          'app.kubernetes.io/part-of': 'kasm',
          'app.kubernetes.io/instance': name,
          'app.kubernetes.io/managed-by': 'cdk8s-kasm',
          'app.kubernetes.io/component': 'monitoring',
          ...selectorLabels,
        },
        // With the control plane: the alerts watch what that wave starts.
        annotations: waveAnnotation(SyncWave.CONTROL_PLANE),
      },
      spec: { groups: [{ name: `${name}.stuck-states`, rules }] },
    });
  }
}
