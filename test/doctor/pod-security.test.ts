import { checkRestricted, podSpecsOf } from '../../lib/doctor/pod-security';

/** A pod spec that satisfies every restricted control; each test breaks exactly one thing. */
function hardened(): any {
  const sc = () => ({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  });
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    initContainers: [{ name: 'wait-db', image: 'busybox', securityContext: sc() }],
    containers: [
      {
        name: 'api',
        image: 'kasm/api',
        ports: [{ name: 'http', containerPort: 8080 }],
        securityContext: sc(),
        readinessProbe: { httpGet: { path: '/', port: 8080 } },
      },
    ],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'sec', secret: { secretName: 's' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'proj', projected: { sources: [] } },
      { name: 'down', downwardAPI: { items: [] } },
      { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'csi', csi: { driver: 'x' } },
    ],
  };
}

const api = (spec: any) => spec.containers[0];
const init = (spec: any) => spec.initContainers[0];

function violationsAfter(mutate: (spec: any) => void, meta?: any): string[] {
  const spec = hardened();
  mutate(spec);
  return checkRestricted(spec, meta);
}

describe('checkRestricted: a hardened pod', () => {
  test('passes with no violations', () => {
    expect(checkRestricted(hardened())).toEqual([]);
  });

  test('passes with seccomp set on every container instead of the pod', () => {
    expect(violationsAfter((s) => {
      delete s.securityContext.seccompProfile;
      api(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      init(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    })).toEqual([]);
  });

  test('passes with runAsNonRoot set on every container instead of the pod', () => {
    expect(violationsAfter((s) => {
      delete s.securityContext.runAsNonRoot;
      api(s).securityContext.runAsNonRoot = true;
      init(s).securityContext.runAsNonRoot = true;
    })).toEqual([]);
  });

  test('tolerates allowed values of restricted fields', () => {
    expect(violationsAfter((s) => {
      api(s).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
      api(s).ports[0].hostPort = 0;
      api(s).securityContext.procMount = 'Default';
      api(s).securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' };
      s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
      api(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-api' };
      s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
      s.hostNetwork = false;
      api(s).securityContext.privileged = false;
    }, {
      annotations: {
        'container.apparmor.security.beta.kubernetes.io/api': 'runtime/default',
        'container.apparmor.security.beta.kubernetes.io/wait-db': 'localhost/k8s-init',
      },
    })).toEqual([]);
  });
});

describe('checkRestricted: baseline controls', () => {
  test.each(['hostNetwork', 'hostPID', 'hostIPC'])('%s is forbidden', (field) => {
    expect(violationsAfter((s) => { s[field] = true; })).toEqual([`pod: spec.${field} must not be true`]);
  });

  test('privileged containers are forbidden', () => {
    expect(violationsAfter((s) => { api(s).securityContext.privileged = true; }))
      .toEqual(["container 'api': securityContext.privileged must not be true"]);
  });

  test('windowsOptions.hostProcess is forbidden at pod and container level', () => {
    expect(violationsAfter((s) => {
      s.securityContext.windowsOptions = { hostProcess: true };
      api(s).securityContext.windowsOptions = { hostProcess: true };
    })).toEqual([
      'pod: spec.securityContext.windowsOptions.hostProcess must not be true',
      "container 'api': securityContext.windowsOptions.hostProcess must not be true",
    ]);
  });

  test('hostPath volumes are forbidden', () => {
    expect(violationsAfter((s) => { s.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); }))
      .toEqual([expect.stringMatching(/^pod: spec\.volumes\['host'\] uses forbidden volume type 'hostPath'/)]);
  });

  test('a non-zero hostPort is forbidden', () => {
    expect(violationsAfter((s) => { api(s).ports[0].hostPort = 8080; }))
      .toEqual(["container 'api': ports[0].hostPort must be unset or 0 (found 8080)"]);
  });

  test('an unconfined AppArmor annotation is forbidden', () => {
    expect(violationsAfter(() => undefined, {
      annotations: { 'container.apparmor.security.beta.kubernetes.io/api': 'unconfined' },
    })).toEqual([expect.stringContaining("metadata.annotations['container.apparmor.security.beta.kubernetes.io/api']")]);
  });

  test('an Unconfined appArmorProfile is forbidden at pod and container level', () => {
    expect(violationsAfter((s) => {
      s.securityContext.appArmorProfile = { type: 'Unconfined' };
      init(s).securityContext.appArmorProfile = { type: 'Unconfined' };
    })).toEqual([
      "pod: spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost (found 'Unconfined')",
      "initContainer 'wait-db': securityContext.appArmorProfile.type must be RuntimeDefault or Localhost (found 'Unconfined')",
    ]);
  });

  test('SELinux: custom type, user and role are forbidden', () => {
    const v = violationsAfter((s) => {
      s.securityContext.seLinuxOptions = { type: 'spc_t' };
      api(s).securityContext.seLinuxOptions = { user: 'system_u', role: 'system_r' };
    });
    expect(v).toEqual([
      expect.stringMatching(/^pod: spec\.securityContext\.seLinuxOptions\.type must be .*found 'spc_t'/),
      "container 'api': securityContext.seLinuxOptions.user must not be set",
      "container 'api': securityContext.seLinuxOptions.role must not be set",
    ]);
  });

  test.each(['container_init_t', 'container_kvm_t'])('SELinux type %s is allowed', (type) => {
    expect(violationsAfter((s) => { s.securityContext.seLinuxOptions = { type }; })).toEqual([]);
  });

  test('SELinux container_engine_t is rejected (only allowed from Kubernetes 1.31)', () => {
    expect(violationsAfter((s) => { s.securityContext.seLinuxOptions = { type: 'container_engine_t' }; }))
      .toHaveLength(1);
  });

  test('an Unmasked procMount is forbidden, even with hostUsers: false', () => {
    expect(violationsAfter((s) => {
      s.hostUsers = false;
      api(s).securityContext.procMount = 'Unmasked';
    })).toEqual(["container 'api': securityContext.procMount must be Default (found 'Unmasked')"]);
  });

  test('unsafe sysctls are forbidden, safe ones allowed', () => {
    expect(violationsAfter((s) => {
      s.securityContext.sysctls = [
        { name: 'kernel.shm_rmid_forced', value: '1' },
        { name: 'net.ipv4.tcp_keepalive_time', value: '60' },
        { name: 'kernel.msgmax', value: '1' },
        { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' },
      ];
    })).toEqual([
      "pod: spec.securityContext.sysctls 'kernel.msgmax' is not in the safe set",
      "pod: spec.securityContext.sysctls 'net.ipv4.tcp_rmem' is not in the safe set",
    ]);
  });

  test('a host on probes and lifecycle handlers is forbidden', () => {
    expect(violationsAfter((s) => {
      api(s).readinessProbe.httpGet.host = '10.0.0.1';
      api(s).livenessProbe = { tcpSocket: { port: 8080, host: 'example.com' } };
      api(s).lifecycle = { preStop: { httpGet: { path: '/', port: 80, host: 'evil' } } };
    })).toEqual([
      "container 'api': livenessProbe.tcpSocket.host must not be set (found 'example.com')",
      "container 'api': readinessProbe.httpGet.host must not be set (found '10.0.0.1')",
      "container 'api': lifecycle.preStop.httpGet.host must not be set (found 'evil')",
    ]);
  });
});

describe('checkRestricted: restricted controls', () => {
  test.each(['nfs', 'gitRepo', 'iscsi', 'image'])('volume type %s is forbidden', (type) => {
    expect(violationsAfter((s) => { s.volumes.push({ name: 'v', [type]: {} }); }))
      .toEqual([expect.stringContaining(`spec.volumes['v'] uses forbidden volume type '${type}'`)]);
  });

  test('allowPrivilegeEscalation must be explicitly false on every container', () => {
    expect(violationsAfter((s) => {
      delete api(s).securityContext.allowPrivilegeEscalation;
      init(s).securityContext.allowPrivilegeEscalation = true;
    })).toEqual([
      "initContainer 'wait-db': securityContext.allowPrivilegeEscalation must be false",
      "container 'api': securityContext.allowPrivilegeEscalation must be false",
    ]);
  });

  test('a container without any securityContext collects every container-level violation', () => {
    const v = violationsAfter((s) => { delete api(s).securityContext; });
    expect(v).toEqual([
      "container 'api': securityContext.capabilities.drop must include ALL",
      "container 'api': securityContext.allowPrivilegeEscalation must be false",
    ]);
  });

  test('runAsNonRoot set on the pod is inherited by containers', () => {
    expect(violationsAfter((s) => {
      expect(api(s).securityContext.runAsNonRoot).toBeUndefined();
      s.securityContext.runAsNonRoot = true;
    })).toEqual([]);
  });

  test('a container overriding runAsNonRoot to false fails', () => {
    expect(violationsAfter((s) => { api(s).securityContext.runAsNonRoot = false; }))
      .toEqual(["container 'api': securityContext.runAsNonRoot must be true (found false)"]);
  });

  test('runAsNonRoot unset on pod and a container fails for that container only', () => {
    expect(violationsAfter((s) => {
      delete s.securityContext.runAsNonRoot;
      init(s).securityContext.runAsNonRoot = true;
    })).toEqual(["container 'api': securityContext.runAsNonRoot must be true (unset here and not true on the pod)"]);
  });

  test('pod-level runAsNonRoot false fails even when every container sets true (as upstream)', () => {
    expect(violationsAfter((s) => {
      s.securityContext.runAsNonRoot = false;
      api(s).securityContext.runAsNonRoot = true;
      init(s).securityContext.runAsNonRoot = true;
    })).toEqual(['pod: spec.securityContext.runAsNonRoot must not be false']);
  });

  test('runAsUser 0 is forbidden at pod and container level', () => {
    expect(violationsAfter((s) => {
      s.securityContext.runAsUser = 0;
      api(s).securityContext.runAsUser = 0;
    })).toEqual([
      'pod: spec.securityContext.runAsUser must not be 0',
      "container 'api': securityContext.runAsUser must not be 0",
    ]);
  });

  test('a container runAsUser overrides a root pod runAsUser only for that container', () => {
    expect(violationsAfter((s) => {
      s.securityContext.runAsUser = 0;
      api(s).securityContext.runAsUser = 1000;
    })).toEqual(['pod: spec.securityContext.runAsUser must not be 0']);
  });

  test('hostUsers: false does not relax runAsNonRoot/runAsUser (strict version stance)', () => {
    expect(violationsAfter((s) => {
      s.hostUsers = false;
      s.securityContext.runAsUser = 0;
    })).toEqual(['pod: spec.securityContext.runAsUser must not be 0']);
  });

  test('seccomp: Unconfined at pod level fails', () => {
    expect(violationsAfter((s) => { s.securityContext.seccompProfile = { type: 'Unconfined' }; })).toEqual([
      "pod: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost (found 'Unconfined')",
      "initContainer 'wait-db': securityContext.seccompProfile.type must be RuntimeDefault or Localhost (unset here and not set validly on the pod)",
      "container 'api': securityContext.seccompProfile.type must be RuntimeDefault or Localhost (unset here and not set validly on the pod)",
    ]);
  });

  test('seccomp: a container overriding to Unconfined fails despite a valid pod profile', () => {
    expect(violationsAfter((s) => { api(s).securityContext.seccompProfile = { type: 'Unconfined' }; }))
      .toEqual(["container 'api': securityContext.seccompProfile.type must be RuntimeDefault or Localhost (found 'Unconfined')"]);
  });

  test('seccomp: missing everywhere fails for every container', () => {
    expect(violationsAfter((s) => { delete s.securityContext.seccompProfile; })).toHaveLength(2);
  });

  test('capabilities: drop must include ALL', () => {
    expect(violationsAfter((s) => { api(s).securityContext.capabilities.drop = ['NET_RAW']; }))
      .toEqual(["container 'api': securityContext.capabilities.drop must include ALL"]);
  });

  test('capabilities: add beyond NET_BIND_SERVICE fails, even for baseline-allowed ones', () => {
    expect(violationsAfter((s) => {
      api(s).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'];
    })).toEqual([
      "container 'api': securityContext.capabilities.add may only contain NET_BIND_SERVICE (found 'CHOWN', 'SYS_ADMIN')",
    ]);
  });
});

describe('checkRestricted: container kinds and exemptions', () => {
  test('init containers are checked', () => {
    expect(violationsAfter((s) => { init(s).securityContext.privileged = true; }))
      .toEqual(["initContainer 'wait-db': securityContext.privileged must not be true"]);
  });

  test('ephemeral containers are checked', () => {
    const v = violationsAfter((s) => { s.ephemeralContainers = [{ name: 'debug', image: 'busybox' }]; });
    expect(v).toEqual([
      "ephemeralContainer 'debug': securityContext.capabilities.drop must include ALL",
      "ephemeralContainer 'debug': securityContext.allowPrivilegeEscalation must be false",
    ]);
  });

  test('Windows pods are exempt from allowPrivilegeEscalation, seccomp and capabilities only', () => {
    const v = violationsAfter((s) => {
      s.os = { name: 'windows' };
      delete s.securityContext.seccompProfile;
      delete api(s).securityContext;
      s.securityContext.runAsUser = 0;
    });
    expect(v).toEqual(['pod: spec.securityContext.runAsUser must not be 0']);
  });

  test('an empty pod spec reports nothing container-related but does not throw', () => {
    expect(checkRestricted({})).toEqual([]);
    expect(checkRestricted(undefined)).toEqual([]);
  });
});

describe('podSpecsOf', () => {
  const template = (name: string) => ({ metadata: { labels: { app: name } }, spec: { containers: [{ name }] } });

  test('extracts pod templates from every workload kind and skips the rest', () => {
    const manifests = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'kasm' }, spec: { template: template('d') } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: 'kasm' }, spec: { template: template('s') } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'kasm' }, spec: { template: template('ds') } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'kasm' }, spec: { template: template('rs') } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'kasm' }, spec: { template: template('j') } },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'cj', namespace: 'kasm' },
        spec: { jobTemplate: { spec: { template: template('cj') } } },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'p' } }, spec: { containers: [{ name: 'p' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'kasm' }, spec: {} },
      null,
    ];
    const found = podSpecsOf(manifests);
    expect(found.map((f) => f.workload)).toEqual([
      'Deployment/kasm/d', 'StatefulSet/kasm/s', 'DaemonSet/kasm/ds', 'ReplicaSet/kasm/rs', 'Job/kasm/j',
      'CronJob/kasm/cj', 'Pod/default/p',
    ]);
    expect(found.map((f) => f.metadata.labels.app)).toEqual(['d', 's', 'ds', 'rs', 'j', 'cj', 'p']);
    expect(found.map((f) => f.spec.containers[0].name)).toEqual(['d', 's', 'ds', 'rs', 'j', 'cj', 'p']);
    expect(found[6].namespace).toBe('default');
  });

  test('unwraps List documents', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { template: template('d') } }],
    };
    expect(podSpecsOf([list]).map((f) => f.workload)).toEqual(['Deployment/n/d']);
  });
});
