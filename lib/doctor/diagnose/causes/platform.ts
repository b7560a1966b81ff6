/**
 * Problems of the front door outside Kasm's own pods: Traefik's timeouts (sessions cut after minutes).
 *
 * It never shows as a stuck Kasm pod: Traefik's default readTimeout drops every desktop stream while all pods are
 * Ready, and only kube-system's HelmChartConfig says so.
 */
import * as yaml from 'js-yaml';
import { DiagnosisContext, explain, Explanation } from '../cause';
import { KubeObject } from '../types';

/** HelmChartConfig names of the Traefik that k3s (`traefik`) and RKE2 (`rke2-traefik`) bundle. */
const TRAEFIK_CHARTS = ['traefik', 'rke2-traefik'];
/** Shortest readTimeout that does not cut a desktop session of the default 30-minute idle timeout. */
const MIN_SESSION_SECONDS = 1800;

/** Seconds of a Go duration ('1800s', '30m', '1h30m') or a bare number of seconds; undefined when unreadable. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let rest = value.trim();
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

function readTimeoutOf(config: KubeObject): unknown {
  try {
    const values: any = yaml.load(config.spec?.valuesContent ?? '') ?? {};
    return values?.ports?.websecure?.transport?.respondingTimeouts?.readTimeout;
  } catch {
    return undefined;
  }
}

/**
 * A finding when Traefik's readTimeout is left at its default or set below a session's length.
 *
 * Runs only when HelmChartConfigs were fetched or the dump holds some: otherwise their absence means nothing.
 */
export function traefikTimeoutFinding(ctx: DiagnosisContext, fetched: boolean, controllers: readonly string[] = []): Explanation | undefined {
  const configs = ctx.dump.all('HelmChartConfig');
  // The Traefik the dump shows running says which chart counts: a HelmChartConfig `traefik` does nothing on RKE2.
  const running = TRAEFIK_CHARTS.filter((c) => controllers.includes(c));
  if (configs.length === 0 && !fetched && running.length === 0) return undefined;
  if (running.length === 0 && controllers.length > 0) return undefined;
  const charts = running.length > 0 ? running : TRAEFIK_CHARTS;
  const traefik = configs.find((c) => (c.metadata.namespace ?? 'kube-system') === 'kube-system' && charts.includes(c.metadata.name));
  const other = configs.find((c) => (c.metadata.namespace ?? 'kube-system') === 'kube-system' && TRAEFIK_CHARTS.includes(c.metadata.name) && !charts.includes(c.metadata.name));
  const fix = 'apply the HelmChartConfig the TraefikTimeouts construct writes (configureTraefikTimeouts, on by default): '
    + 'kubectl apply -f dist/<variant>/app/HelmChartConfig.traefik.yaml (rke2-traefik on RKE2); the helm-controller restarts Traefik with the new values';
  const base = { severity: 'degraded' as const, fix, id: 'traefik-timeouts' };
  if (!traefik) {
    const wanted = running.length > 0 ? `kube-system/${running[0]}` : 'kube-system/traefik (or rke2-traefik)';
    return explain([`no HelmChartConfig ${wanted} raises Traefik's entrypoint timeouts${other ? ` (kube-system/${other.metadata.name} configures a chart that does not run here)` : ''}`], {
      ...base,
      summary: `Traefik keeps its default readTimeout (60 s in Traefik 3), which cuts desktop sessions and long API calls at the ingress (502/504, sessions cut after minutes)${other
        ? `: HelmChartConfig kube-system/${other.metadata.name} sets the timeouts, but the Traefik running here is ${running[0]}, whose HelmChartConfig must be named ${running[0]}` : ''}`,
      confirm: 'kubectl -n kube-system get helmchartconfig',
      evidence: [`HelmChartConfigs in kube-system: ${configs.map((c) => c.metadata.name).join(', ') || 'none'}`],
    });
  }
  const raw = readTimeoutOf(traefik);
  const seconds = durationSeconds(raw);
  if (seconds === undefined || (seconds > 0 && seconds < MIN_SESSION_SECONDS)) {
    const set = raw === undefined ? 'does not set ports.websecure.transport.respondingTimeouts.readTimeout' : `sets readTimeout to ${String(raw)}`;
    return explain([`HelmChartConfig kube-system/${traefik.metadata.name} ${set}`], {
      ...base,
      summary: `HelmChartConfig kube-system/${traefik.metadata.name} ${set}, so Traefik cuts desktop sessions after ${raw === undefined ? 'its default 60 s' : String(raw)}`,
      confirm: `kubectl -n kube-system get helmchartconfig ${traefik.metadata.name} -o jsonpath='{.spec.valuesContent}'`,
      evidence: [`valuesContent: ${(traefik.spec?.valuesContent ?? '').trim().split('\n').join(' | ')}`],
    });
  }
  return undefined;
}
