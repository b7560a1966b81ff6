/**
 * The front door: the ingress controller in kube-system (its pods and Service) and Gateway API routes' conditions.
 *
 * Reported as findings of their own, not behind a wait edge: no Kasm pod waits for the ingress (no init container
 * curls it; traffic flows from it to kasm-proxy), so a walk from a stuck pod never reaches it, and a dead controller
 * or a route no Gateway accepted leaves every Kasm pod Ready while the browser gets 404 or no answer. They are
 * `degraded` unless the same cause also keeps Kasm pods from Ready (a node-wide fault groups them under `stuck`).
 */
import { Cause, DiagnosisContext, explain, Explanation, prepend, Walk } from '../cause';
import { isPodReady } from '../pod-status';
import { KubeObject } from '../types';

/** The ingress controllers k3s and RKE2 bundle, by the `app.kubernetes.io/name` label of their pods and workloads. */
export const CONTROLLERS = ['traefik', 'rke2-traefik', 'ingress-nginx', 'rke2-ingress-nginx'];
const NAME_LABEL = 'app.kubernetes.io/name';
const SYSTEM = 'kube-system';
/** Gateway API route kinds whose `status.parents[].conditions` say whether a Gateway serves them. */
const ROUTE_KINDS = ['HTTPRoute', 'TLSRoute', 'TCPRoute', 'GRPCRoute'];

/** The controller a workload or pod belongs to, by its own or its template's name label, or its name. */
function controllerName(o: KubeObject): string | undefined {
  const label = o.kind === 'Pod' ? o.metadata.labels?.[NAME_LABEL] : o.spec?.template?.metadata?.labels?.[NAME_LABEL] ?? o.metadata.labels?.[NAME_LABEL];
  if (typeof label === 'string' && CONTROLLERS.includes(label)) return label;
  return o.kind !== 'Pod' && CONTROLLERS.includes(o.metadata.name) ? o.metadata.name : undefined;
}

/** Ingress controllers the dump holds (a dump written by `--dump` reads kube-system's), with their workloads and pods. */
export function ingressControllers(ctx: DiagnosisContext): { name: string; workloads: KubeObject[]; pods: KubeObject[] }[] {
  const system = ctx.dump.in(SYSTEM);
  const workloads = [...system.all('Deployment'), ...system.all('DaemonSet')].filter((w) => controllerName(w));
  const pods = system.pods().filter((p) => controllerName(p));
  const names = [...new Set([...workloads, ...pods].map((o) => controllerName(o)!))].sort();
  return names.map((name) => ({ name, workloads: workloads.filter((w) => controllerName(w) === name), pods: pods.filter((p) => controllerName(p) === name) }));
}

/** A controller without a Ready pod, walked through its stuck pod; or its LoadBalancer Service without an address. */
function controllerFindings(ctx: DiagnosisContext, walk: Walk): Explanation[] {
  const found: Explanation[] = [];
  for (const c of ingressControllers(ctx)) {
    const ready = c.pods.filter(isPodReady);
    const hop = `ingress controller ${SYSTEM}/${c.name} has no Ready pod (${c.pods.length} pod(s)): nothing serves the front door, so browsers get no answer although Kasm's pods may be Ready`;
    if (ready.length === 0 && c.pods.length > 0) {
      found.push(prepend([hop], walk.pod(c.pods[0])));
      continue;
    }
    if (ready.length === 0) {
      const w = c.workloads[0];
      found.push(explain([hop], {
        id: `front-door-down:${SYSTEM}/${c.name}`, severity: 'degraded', namespace: SYSTEM,
        summary: `the ingress controller ${w.kind} ${SYSTEM}/${w.metadata.name} runs no pod${w.spec?.replicas === 0 ? ' (scaled to 0)' : ''}, so nothing answers on Kasm's hostname`,
        confirm: `kubectl -n ${SYSTEM} get ${w.kind.toLowerCase()} ${w.metadata.name}; kubectl -n ${SYSTEM} describe ${w.kind.toLowerCase()} ${w.metadata.name}`,
        fix: w.spec?.replicas === 0 ? `kubectl -n ${SYSTEM} scale ${w.kind.toLowerCase()} ${w.metadata.name} --replicas=1`
          : `read the ${w.kind}'s events (kubectl -n ${SYSTEM} describe ${w.kind.toLowerCase()} ${w.metadata.name}) and fix what they report; on k3s and RKE2 the helm-controller installs it (kubectl -n ${SYSTEM} get helmchart)`,
        evidence: [],
      }));
      continue;
    }
    const service = ctx.dump.in(SYSTEM).get('Service', c.name);
    const ingress = service?.status?.loadBalancer?.ingress;
    if (service?.spec?.type === 'LoadBalancer' && (!Array.isArray(ingress) || ingress.length === 0)) {
      found.push(explain([`Service ${SYSTEM}/${c.name} (LoadBalancer) has no external address`], {
        id: `front-door-no-address:${SYSTEM}/${c.name}`, severity: 'degraded', namespace: SYSTEM,
        summary: `the ingress controller's Service ${SYSTEM}/${c.name} is a LoadBalancer without an address, so Kasm's hostname points at nothing that answers`,
        confirm: `kubectl -n ${SYSTEM} get service ${c.name} -o wide`,
        fix: `give it an address: on k3s the ServiceLB pods (kubectl -n ${SYSTEM} get pods -l svccontroller.k3s.cattle.io/svcname=${c.name}) must bind ports 80/443 on a node (another process holding them, or k3s started with --disable servicelb, leaves it pending); elsewhere install a load balancer (MetalLB, the cloud's)`,
        evidence: [`Service ${c.name}: type LoadBalancer, status.loadBalancer ${JSON.stringify(service.status?.loadBalancer ?? {})}`],
      }));
    }
  }
  return found;
}

/** What to change for a route condition's reason (Gateway API v1 reasons). */
const ROUTE_FIXES: Record<string, string> = {
  NotAllowedByListeners: 'the Gateway\'s listeners do not admit this route: allow its namespace (listeners[].allowedRoutes.namespaces.from: All or a selector matching it) and kind, or attach it to a listener that does',
  NoMatchingListenerHostname: 'the route\'s hostnames match no listener\'s hostname: make spec.hostnames and the Gateway listener\'s hostname agree',
  NoMatchingParent: 'the parentRef names no Gateway or listener (sectionName, port) that exists: correct spec.parentRefs',
  UnsupportedValue: 'the route uses a value this Gateway controller does not support: read the condition\'s message',
  BackendNotFound: 'a backendRef names a Service that does not exist: correct it (Kasm\'s proxy Service is kasm-proxy-default) or re-apply the manifests',
  RefNotPermitted: 'a backendRef points into another namespace without a ReferenceGrant there: add a ReferenceGrant in the backend\'s namespace that admits this route',
  InvalidKind: 'a backendRef has a kind the controller cannot route to: point it at a Service',
  UnsupportedProtocol: 'the backend\'s appProtocol is not supported by the controller: use one it supports, or drop it',
};

function routeLabel(route: KubeObject): string {
  return `${route.kind} ${route.metadata.namespace ?? ''}/${route.metadata.name}`;
}

/** Whether a route belongs to Kasm: it lives in Kasm's namespace, or one of its backends does. */
function isKasmRoute(ctx: DiagnosisContext, route: KubeObject): boolean {
  const rules: any[] = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  return route.metadata.namespace === ctx.home || rules.some((r) => Array.isArray(r?.backendRefs) && r.backendRefs.some((b: any) => b?.namespace === ctx.home));
}

/** The first failing condition of a route (Accepted before ResolvedRefs), with the parent that reported it. */
function failingCondition(route: KubeObject): { parent: any; condition: any } | undefined {
  const parents: any[] = Array.isArray(route.status?.parents) ? route.status.parents : [];
  for (const type of ['Accepted', 'ResolvedRefs']) {
    for (const parent of parents) {
      const conditions: any[] = Array.isArray(parent?.conditions) ? parent.conditions : [];
      const condition = conditions.find((c) => c?.type === type && c.status === 'False');
      if (condition) return { parent, condition };
    }
  }
  return undefined;
}

/** A Kasm route that no Gateway accepts, or whose backends do not resolve, as the Gateway controller reports it. */
function routeFindings(ctx: DiagnosisContext): Explanation[] {
  const found: Explanation[] = [];
  const routes = ROUTE_KINDS.flatMap((k) => ctx.dump.everywhere(k)).filter((r) => (r.apiVersion ?? '').startsWith('gateway.networking.k8s.io/') && isKasmRoute(ctx, r));
  for (const route of routes) {
    const ns = route.metadata.namespace ?? ctx.home;
    const failing = failingCondition(route);
    const confirm = `kubectl -n ${ns} describe ${route.kind.toLowerCase()} ${route.metadata.name}`;
    const parentRefs: any[] = Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : [];
    let cause: Cause | undefined;
    let hop = '';
    if (failing) {
      const ref = failing.parent?.parentRef ?? {};
      const parent = `${ref.kind ?? 'Gateway'} ${ref.namespace ?? ns}/${ref.name ?? '?'}${ref.sectionName ? ` (listener ${ref.sectionName})` : ''}`;
      const { type, reason, message } = failing.condition;
      const said = `${reason ?? 'no reason'}${message ? `: ${message}` : ''}`;
      hop = `${routeLabel(route)}: ${type}=False for parent ${parent}: ${said}`;
      const common = {
        severity: 'degraded' as const, namespace: ns, confirm,
        fix: (typeof reason === 'string' && Object.prototype.hasOwnProperty.call(ROUTE_FIXES, reason) ? ROUTE_FIXES[reason] : undefined) ?? `read the condition's message (${confirm}) and correct the route or the Gateway it names`,
        evidence: [`${route.kind} ${route.metadata.name} status.parents: controller ${failing.parent?.controllerName ?? '?'}, ${type}=False ${reason ?? ''}: ${message ?? ''}`],
      };
      const key = `${ns}/${route.kind}/${route.metadata.name}`;
      cause = type === 'Accepted'
        ? { id: `route-not-accepted:${key}`, ...common, summary: `${routeLabel(route)} is not accepted by ${parent} (${said}), so the Gateway does not route Kasm's hostname` }
        : { id: `route-refs-unresolved:${key}`, ...common, summary: `${routeLabel(route)} has backends that do not resolve (${said}), so the Gateway cannot send Kasm's traffic to them` };
    } else if (parentRefs.length > 0 && !(Array.isArray(route.status?.parents) && route.status.parents.length > 0)) {
      const names = parentRefs.map((r) => `${r?.namespace ?? ns}/${r?.name}`).join(', ');
      hop = `${routeLabel(route)} has no status: no Gateway controller has processed it (parents: ${names})`;
      cause = {
        id: `route-unclaimed:${ns}/${route.kind}/${route.metadata.name}`, severity: 'degraded', namespace: ns,
        summary: `${routeLabel(route)} has no status from any Gateway controller: its parent Gateway ${names} does not exist, or no controller runs for its GatewayClass`,
        confirm: `${confirm}; kubectl get gateway -A; kubectl get gatewayclass`,
        fix: 'create the Gateway the route names, or start the controller of its GatewayClass (on k3s: Traefik with its Gateway API provider enabled in the HelmChartConfig, providers.kubernetesGateway.enabled: true)',
        evidence: [],
      };
    }
    if (cause) found.push(explain([hop], cause));
  }
  return found;
}

/**
 * A BackendTLSPolicy of Kasm's that its Gateway controller does not apply: its CA reference does not resolve or holds
 * no valid certificate (status.ancestors[].conditions, Gateway API v1.3+). The dump blanks Secret values and a CA
 * that merely differs verifies nothing, so the controller's own condition is the evidence read here.
 */
function backendTlsFindings(ctx: DiagnosisContext): Explanation[] {
  const found: Explanation[] = [];
  const policies = ctx.dump.everywhere('BackendTLSPolicy').filter((p) => (p.apiVersion ?? '').startsWith('gateway.networking.k8s.io/') && p.metadata.namespace === ctx.home);
  for (const policy of policies) {
    const ancestors: any[] = Array.isArray(policy.status?.ancestors) ? policy.status.ancestors : [];
    let failing: { ancestor: any; condition: any } | undefined;
    for (const type of ['Accepted', 'ResolvedRefs']) {
      for (const ancestor of ancestors) {
        const conditions: any[] = Array.isArray(ancestor?.conditions) ? ancestor.conditions : [];
        const condition = conditions.find((c) => c?.type === type && c.status === 'False');
        if (condition && failing === undefined) failing = { ancestor, condition };
      }
    }
    if (failing === undefined) continue;
    const ns = policy.metadata.namespace ?? ctx.home;
    const refs: any[] = Array.isArray(policy.spec?.validation?.caCertificateRefs) ? policy.spec.validation.caCertificateRefs : [];
    const ca = refs.map((r) => `${r?.kind ?? 'ConfigMap'} ${r?.name}`).join(', ') || 'no caCertificateRefs';
    const { type, reason, message } = failing.condition;
    const said = `${reason ?? 'no reason'}${message ? `: ${message}` : ''}`;
    const confirm = `kubectl -n ${ns} describe backendtlspolicy ${policy.metadata.name}`;
    found.push(explain([`BackendTLSPolicy ${ns}/${policy.metadata.name}: ${type}=False: ${said}`], {
      id: `backend-tls-ca:${ns}/${policy.metadata.name}`, severity: 'degraded', namespace: ns,
      summary: `BackendTLSPolicy ${ns}/${policy.metadata.name} is not applied (${said}): the Gateway cannot verify the proxy's certificate with ${ca}, so it does not send Kasm's traffic`,
      confirm,
      fix: `make ${ca} hold the internal CA (key ca.crt): NOTES.md, "Reach Kasm through the Gateway", gives the kubectl command that copies it from the Secret <name>-internal-ca; then check the policy again (${confirm})`,
      evidence: [`BackendTLSPolicy ${policy.metadata.name} status.ancestors: controller ${failing.ancestor?.controllerName ?? '?'}, ${type}=False ${reason ?? ''}: ${message ?? ''}`],
    }));
  }
  return found;
}

/** Every front-door finding of a dump: the controller's pods and Service, the routes, then the backend TLS policies. */
export function frontDoorFindings(ctx: DiagnosisContext, walk: Walk): Explanation[] {
  return [...controllerFindings(ctx, walk), ...routeFindings(ctx), ...backendTlsFindings(ctx)];
}
