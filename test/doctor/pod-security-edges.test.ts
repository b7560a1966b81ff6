/** checkRestricted and podSpecsOf at their edges: nulls and unset fields, each probe and hook, and every kind of workload. */
import { BASELINE_ALLOWED_CAPABILITIES, checkRestricted, podSpecsOf, RESTRICTED_VOLUME_TYPES, SAFE_SYSCTLS } from '../../lib/doctor/pod-security';

/** One hardened container in a hardened pod; each test changes one thing. */
function pod(change: (spec: any) => void = () => undefined): any {
  const spec: any = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
  change(spec);
  return spec;
}
const app = (spec: any) => spec.containers[0];
const ALLOWED = `(allowed: ${RESTRICTED_VOLUME_TYPES.join(', ')})`;

describe('checkRestricted at the edges', () => {
  test('unset, null and empty values that restricted allows', () => {
    expect(checkRestricted(pod((s) => {
      app(s).ports = [{ containerPort: 80, hostPort: null }, null, { containerPort: 81 }];
      app(s).securityContext.procMount = null;
      s.volumes = [];
    }), { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': '', 'example.com/apparmor': 'unconfined' } })).toEqual([]);
  });

  test('a volume without a source, and a null volume, name no type and list the allowed ones', () => {
    expect(checkRestricted(pod((s) => { s.volumes = [{ name: 'empty' }, null, { name: 'host', hostPath: { path: '/' } }]; }))).toEqual([
      `pod: spec.volumes['empty'] uses forbidden volume type (none) ${ALLOWED}`,
      `pod: spec.volumes['undefined'] uses forbidden volume type (none) ${ALLOWED}`,
      `pod: spec.volumes['host'] uses forbidden volume type 'hostPath' ${ALLOWED}`,
    ]);
    expect(ALLOWED).toBe('(allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)');
  });

  test('a null sysctl and a null container are reported, not a crash', () => {
    expect(checkRestricted(pod((s) => { s.securityContext.sysctls = [null]; }))).toEqual(['pod: spec.securityContext.sysctls \'undefined\' is not in the safe set']);
    expect(checkRestricted(pod((s) => { s.containers.push(null); }))).toEqual([
      'container \'undefined\': securityContext.capabilities.drop must include ALL',
      'container \'undefined\': securityContext.allowPrivilegeEscalation must be false',
    ]);
  });

  test('a host in every probe and every lifecycle hook, for both handlers', () => {
    expect(checkRestricted(pod((s) => {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) app(s)[probe] = { httpGet: { host: 'a', port: 1 }, tcpSocket: { host: 'b', port: 1 } };
      app(s).lifecycle = { postStart: { httpGet: { host: 'c' }, tcpSocket: { host: 'd' } }, preStop: { httpGet: { host: 'e' }, tcpSocket: { host: 'f' } } };
    }))).toEqual([
      'container \'app\': livenessProbe.httpGet.host must not be set (found \'a\')', 'container \'app\': livenessProbe.tcpSocket.host must not be set (found \'b\')',
      'container \'app\': readinessProbe.httpGet.host must not be set (found \'a\')', 'container \'app\': readinessProbe.tcpSocket.host must not be set (found \'b\')',
      'container \'app\': startupProbe.httpGet.host must not be set (found \'a\')', 'container \'app\': startupProbe.tcpSocket.host must not be set (found \'b\')',
      'container \'app\': lifecycle.postStart.httpGet.host must not be set (found \'c\')', 'container \'app\': lifecycle.postStart.tcpSocket.host must not be set (found \'d\')',
      'container \'app\': lifecycle.preStop.httpGet.host must not be set (found \'e\')', 'container \'app\': lifecycle.preStop.tcpSocket.host must not be set (found \'f\')',
    ]);
  });

  test('an AppArmor annotation of another container or prefix is read by its value only', () => {
    expect(checkRestricted(pod(), { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }))
      .toEqual(['pod: metadata.annotations[\'container.apparmor.security.beta.kubernetes.io/app\'] must be runtime/default or localhost/* (found \'unconfined\')']);
  });
});

describe('the published lists', () => {
  // The sets of the Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/), as of 1.29.
  const SAFE = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];

  test.each(SAFE)('the safe sysctl %s is admitted', (name) => {
    expect(checkRestricted(pod((s) => { s.securityContext.sysctls = [{ name, value: '1' }]; }))).toEqual([]);
  });

  test('exactly the safe sysctls, and the baseline capabilities, as the standard lists them', () => {
    expect([...SAFE_SYSCTLS].sort()).toEqual([...SAFE].sort());
    expect([...BASELINE_ALLOWED_CAPABILITIES]).toEqual(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
      'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
  });
});

describe('podSpecsOf at the edges', () => {
  test('every kind of workload, with missing templates, specs and metadata', () => {
    const specs = podSpecsOf([
      null, 7, 'text',
      { kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'a' }, spec: { template: { metadata: { labels: { x: '1' } }, spec: { containers: [] } } } },
      { kind: 'Deployment', metadata: { name: 'bare' } },
      { kind: 'CronJob', metadata: { name: 'cj' }, spec: {} },
      { kind: 'CronJob', metadata: { name: 'cj2' }, spec: { jobTemplate: {} } },
      { kind: 'CronJob', metadata: { name: 'cj3' } },
      { kind: 5, items: [] },
      { kind: 'Pod' },
      { kind: 'Service', metadata: { name: 's' }, spec: { template: { spec: {} } } },
      { kind: 'PodList', items: [{ kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never' } } } }] },
      { kind: 'List', items: 'not a list' },
      { kind: 'ListOfPods', items: [{ kind: 'Pod', metadata: { name: 'hidden' } }] },
    ]);
    expect(specs).toEqual([
      { workload: 'ReplicationController/a/rc', namespace: 'a', spec: { containers: [] }, metadata: { labels: { x: '1' } } },
      { workload: 'Deployment/default/bare', namespace: 'default', spec: {}, metadata: {} },
      { workload: 'CronJob/default/cj', namespace: 'default', spec: {}, metadata: {} },
      { workload: 'CronJob/default/cj2', namespace: 'default', spec: {}, metadata: {} },
      { workload: 'CronJob/default/cj3', namespace: 'default', spec: {}, metadata: {} },
      { workload: 'Pod/default/?', namespace: 'default', spec: {}, metadata: {} },
      { workload: 'Job/default/j', namespace: 'default', spec: { restartPolicy: 'Never' }, metadata: {} },
    ]);
  });
});
