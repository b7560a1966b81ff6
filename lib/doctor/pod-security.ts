/**
 * An offline checker for the Pod Security Standards "restricted" profile (which includes every "baseline" control).
 *
 * Tests run it over every synthesized pod template so a manifest that a `pod-security.kubernetes.io/enforce:
 * restricted` namespace would reject fails in CI, not at `kubectl apply`. Checks mirror the upstream Pod Security
 * Admission implementation (k8s.io/pod-security-admission/policy) at policy version `latest`, including its
 * precedence rules: a container-level field overrides the pod-level one, and a container may leave runAsNonRoot
 * or seccompProfile unset only when the pod sets a valid value.
 *
 * Version stance: passing means "admitted by `restricted` on every Kubernetes release from 1.29 on". Where a newer
 * release relaxed a rule we keep the older, stricter one: SELinux type `container_engine_t` (allowed from 1.31),
 * sysctls `net.ipv4.tcp_rmem`/`tcp_wmem` (1.32), `image` volumes (1.33) and the `hostUsers: false` relaxation of
 * runAsNonRoot/runAsUser (1.35) are all reported as violations. Where a newer release added a rule we include it:
 * a `host` on probes and lifecycle handlers (1.34) and a non-Default procMount even in user namespaces (1.35).
 * Windows pods (`spec.os.name: windows`) are exempt from the allowPrivilegeEscalation, seccomp and capabilities
 * controls, as upstream has done since 1.25. Legacy seccomp annotations are not checked: policy versions from
 * 1.19 on read only the `seccompProfile` fields.
 */

/** A pod template found in a manifest set, with where it came from. */
export interface PodSpecOf {
  /** `Kind/namespace/name` of the owning object, for messages. */
  workload: string;
  /** `metadata.namespace` of the owning object, `default` when absent (as the API server would place it). */
  namespace: string;
  /** The pod spec (`spec.template.spec`, or `spec` of a bare Pod). */
  spec: any;
  /** The pod's metadata (`spec.template.metadata`, or `metadata` of a bare Pod); annotations live here. */
  metadata: any;
}

/** Capabilities baseline allows in `capabilities.add`; listed for callers that report baseline separately. */
export const BASELINE_ALLOWED_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP',
  'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** The only capability restricted allows in `capabilities.add`. */
export const RESTRICTED_ALLOWED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** Namespaced sysctls baseline considers safe (the set every release from 1.29 accepts). */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

/** Inline volume sources restricted allows; anything else (hostPath, nfs, image, ...) is a violation. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

const ALLOWED_SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const VALID_PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

interface ContainerRef {
  /** e.g. `container 'api'` or `initContainer 'wait-db'`. */
  label: string;
  sc: any;
  c: any;
}

/**
 * Lists every violation of the restricted profile in one pod spec; an empty list means the pod would be admitted.
 *
 * Returning all violations (not the first) lets one test run show everything a workload must fix. Each entry
 * names the pod or container and the offending field, e.g.
 * `container 'api': securityContext.allowPrivilegeEscalation must be false`.
 */
export function checkRestricted(podSpec: any, podMeta: any = {}): string[] {
  const spec = podSpec ?? {};
  const psc = spec.securityContext ?? {};
  const containers = containersOf(spec);
  const windows = spec.os?.name === 'windows';
  const out: string[] = [];

  // --- baseline: HostProcess
  if (psc.windowsOptions?.hostProcess === true) {
    out.push('pod: spec.securityContext.windowsOptions.hostProcess must not be true');
  }
  for (const c of containers) {
    if (c.sc.windowsOptions?.hostProcess === true) {
      out.push(`${c.label}: securityContext.windowsOptions.hostProcess must not be true`);
    }
  }

  // --- baseline: host namespaces
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) out.push(`pod: spec.${field} must not be true`);
  }

  // --- baseline: privileged
  for (const c of containers) {
    if (c.sc.privileged === true) out.push(`${c.label}: securityContext.privileged must not be true`);
  }

  // --- restricted capabilities (overrides the baseline capabilities control)
  if (!windows) {
    for (const c of containers) {
      const drop: string[] = c.sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) out.push(`${c.label}: securityContext.capabilities.drop must include ALL`);
      const bad = ((c.sc.capabilities?.add ?? []) as string[])
        .filter((cap) => !RESTRICTED_ALLOWED_CAPABILITIES.includes(cap));
      if (bad.length > 0) {
        out.push(`${c.label}: securityContext.capabilities.add may only contain NET_BIND_SERVICE `
          + `(found ${quoteList(bad)})`);
      }
    }
  }

  // --- restricted volume types (overrides baseline hostPath)
  for (const v of spec.volumes ?? []) {
    const types = Object.keys(v ?? {}).filter((k) => k !== 'name');
    if (types.some((t) => RESTRICTED_VOLUME_TYPES.includes(t))) continue;
    const found = types.length > 0 ? quoteList(types) : '(none)';
    out.push(`pod: spec.volumes['${v?.name}'] uses forbidden volume type ${found} `
      + `(allowed: ${RESTRICTED_VOLUME_TYPES.join(', ')})`);
  }

  // --- baseline: host ports
  for (const c of containers) {
    for (const [i, p] of ((c.c.ports ?? []) as any[]).entries()) {
      if (p?.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
        out.push(`${c.label}: ports[${i}].hostPort must be unset or 0 (found ${p.hostPort})`);
      }
    }
  }

  // --- baseline: AppArmor (annotation and field)
  for (const [key, value] of Object.entries((podMeta?.annotations ?? {}) as Record<string, string>)) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    if (value === '' || value === 'runtime/default' || String(value).startsWith('localhost/')) continue;
    out.push(`pod: metadata.annotations['${key}'] must be runtime/default or localhost/* (found '${value}')`);
  }
  if (psc.appArmorProfile && !VALID_PROFILE_TYPES.includes(psc.appArmorProfile.type)) {
    out.push(`pod: spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost `
      + `(found '${psc.appArmorProfile.type}')`);
  }
  for (const c of containers) {
    if (c.sc.appArmorProfile && !VALID_PROFILE_TYPES.includes(c.sc.appArmorProfile.type)) {
      out.push(`${c.label}: securityContext.appArmorProfile.type must be RuntimeDefault or Localhost `
        + `(found '${c.sc.appArmorProfile.type}')`);
    }
  }

  // --- baseline: SELinux
  const seLinux = (owner: string, path: string, opts: any): void => {
    if (!opts) return;
    const type = opts.type ?? '';
    if (!ALLOWED_SELINUX_TYPES.includes(type)) {
      out.push(`${owner}: ${path}.seLinuxOptions.type must be unset, container_t, container_init_t or `
        + `container_kvm_t (found '${type}')`);
    }
    if (opts.user) out.push(`${owner}: ${path}.seLinuxOptions.user must not be set`);
    if (opts.role) out.push(`${owner}: ${path}.seLinuxOptions.role must not be set`);
  };
  seLinux('pod', 'spec.securityContext', psc.seLinuxOptions);
  for (const c of containers) seLinux(c.label, 'securityContext', c.sc.seLinuxOptions);

  // --- baseline/restricted: /proc mount type
  for (const c of containers) {
    if (c.sc.procMount !== undefined && c.sc.procMount !== null && c.sc.procMount !== 'Default') {
      out.push(`${c.label}: securityContext.procMount must be Default (found '${c.sc.procMount}')`);
    }
  }

  // --- restricted seccomp (overrides baseline seccomp): pod-level valid, or set validly on every container
  if (!windows) {
    let podSeccompValid = false;
    if (psc.seccompProfile) {
      if (VALID_PROFILE_TYPES.includes(psc.seccompProfile.type)) podSeccompValid = true;
      else {
        out.push(`pod: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost `
          + `(found '${psc.seccompProfile.type}')`);
      }
    }
    for (const c of containers) {
      if (c.sc.seccompProfile) {
        if (!VALID_PROFILE_TYPES.includes(c.sc.seccompProfile.type)) {
          out.push(`${c.label}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost `
            + `(found '${c.sc.seccompProfile.type}')`);
        }
      } else if (!podSeccompValid) {
        out.push(`${c.label}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost `
          + '(unset here and not set validly on the pod)');
      }
    }
  }

  // --- baseline: sysctls (pod level is the only place the API allows them)
  for (const s of psc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.includes(s?.name)) {
      out.push(`pod: spec.securityContext.sysctls '${s?.name}' is not in the safe set`);
    }
  }

  // --- baseline: host in probes and lifecycle handlers
  for (const c of containers) {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      for (const handler of ['httpGet', 'tcpSocket']) {
        const host = c.c[probe]?.[handler]?.host;
        if (host) out.push(`${c.label}: ${probe}.${handler}.host must not be set (found '${host}')`);
      }
    }
    for (const hook of ['postStart', 'preStop']) {
      for (const handler of ['httpGet', 'tcpSocket']) {
        const host = c.c.lifecycle?.[hook]?.[handler]?.host;
        if (host) out.push(`${c.label}: lifecycle.${hook}.${handler}.host must not be set (found '${host}')`);
      }
    }
  }

  // --- restricted: privilege escalation
  if (!windows) {
    for (const c of containers) {
      if (c.sc.allowPrivilegeEscalation !== false) {
        out.push(`${c.label}: securityContext.allowPrivilegeEscalation must be false`);
      }
    }
  }

  // --- restricted: runAsNonRoot (the pod-level true is inherited by containers that leave it unset)
  const podNonRoot = psc.runAsNonRoot === true;
  if (psc.runAsNonRoot === false) out.push('pod: spec.securityContext.runAsNonRoot must not be false');
  for (const c of containers) {
    if (c.sc.runAsNonRoot === false) {
      out.push(`${c.label}: securityContext.runAsNonRoot must be true (found false)`);
    } else if (c.sc.runAsNonRoot !== true && !podNonRoot) {
      out.push(`${c.label}: securityContext.runAsNonRoot must be true (unset here and not true on the pod)`);
    }
  }

  // --- restricted: runAsUser must not be 0 wherever it is set
  if (psc.runAsUser === 0) out.push('pod: spec.securityContext.runAsUser must not be 0');
  for (const c of containers) {
    if (c.sc.runAsUser === 0) out.push(`${c.label}: securityContext.runAsUser must not be 0`);
  }

  return out;
}

/**
 * Extracts every pod template from Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
 * Jobs, CronJobs (`spec.jobTemplate.spec.template`) and bare Pods.
 *
 * Lets a test apply pod-level checks to a whole synthesized manifest set without knowing which kinds it holds.
 * `kind: *List` documents are unwrapped; null documents (empty YAML documents) are skipped.
 */
export function podSpecsOf(manifests: any[]): PodSpecOf[] {
  const out: PodSpecOf[] = [];
  for (const m of manifests) {
    if (!m || typeof m !== 'object') continue;
    if (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) {
      out.push(...podSpecsOf(m.items));
      continue;
    }
    let template: any;
    switch (m.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'ReplicationController':
      case 'Job':
        template = m.spec?.template;
        break;
      case 'CronJob':
        template = m.spec?.jobTemplate?.spec?.template;
        break;
      case 'Pod':
        template = { metadata: m.metadata, spec: m.spec };
        break;
      default:
        continue;
    }
    const namespace: string = m.metadata?.namespace ?? 'default';
    out.push({
      workload: `${m.kind}/${namespace}/${m.metadata?.name ?? '?'}`,
      namespace,
      spec: template?.spec ?? {},
      metadata: template?.metadata ?? {},
    });
  }
  return out;
}

function containersOf(spec: any): ContainerRef[] {
  const refs: ContainerRef[] = [];
  const add = (kind: string, list: any[] | undefined): void => {
    for (const c of list ?? []) refs.push({ label: `${kind} '${c?.name}'`, sc: c?.securityContext ?? {}, c: c ?? {} });
  };
  add('initContainer', spec.initContainers);
  add('container', spec.containers);
  add('ephemeralContainer', spec.ephemeralContainers);
  return refs;
}

function quoteList(items: string[]): string {
  return items.map((i) => `'${i}'`).join(', ');
}
