/**
 * The rdp-gateway's passthrough.app.config.yaml, mounted from a ConfigMap of its own as the official chart does
 * (https://github.com/kasmtech/kasm-helm, charts/kasm/templates/rdp-gateway-deployment.yaml@00b104b: subPath
 * `passthrough.app.config.yaml` at /usr/local/etc/rdpproxy/conf/; content charts/kasm-helm/templates/
 * rdp-gateway-configmap.yaml@c3bce21), and the contract rule that keeps such files mountable.
 */
import * as yaml from 'js-yaml';
import { ComponentId, KasmVersion } from '../../lib';
import { contractProblems } from '../../lib/contract/check';
import { find, Manifest, podSpec, synthK3sDev } from '../support/manifests';

const PATH = '/usr/local/etc/rdpproxy/conf/passthrough.app.config.yaml';

function mountedFile(manifests: Manifest[], name = 'kasm-rdp-gateway'): { mount: any; text: string } | undefined {
  const deploy = find(manifests, 'Deployment', name);
  const spec = podSpec(deploy);
  const mount = spec.containers[0].volumeMounts.find((m: any) => m.mountPath === PATH);
  if (!mount) return undefined;
  const volume = spec.volumes.find((v: any) => v.name === mount.name);
  const cm = find(manifests, 'ConfigMap', volume.configMap.name);
  return { mount, text: cm.data[mount.subPath] };
}

describe('Kasm 1.18.1: the rdp-gateway reads the chart\'s passthrough.app.config.yaml', () => {
  const manifests = synthK3sDev({ version: KasmVersion.V1_18_1 });
  const file = mountedFile(manifests)!;

  test('mounted read-only, the file alone (subPath), from the ConfigMap kasm-rdp-gateway-files', () => {
    expect(file).toBeDefined();
    expect(file.mount).toEqual({ name: 'config-files', mountPath: PATH, subPath: 'passthrough.app.config.yaml', readOnly: true });
    expect(find(manifests, 'ConfigMap', 'kasm-rdp-gateway-files').metadata.namespace).toBe('kasm');
  });

  test('holds the chart\'s settings: the gateway loop, the api placeholders, logging to the console and syslog', () => {
    const config = yaml.load(file.text) as any;
    expect(config['rdp-gateway']).toEqual({
      id: '00000000-0000-0000-0000-000000000000', server_address: 'SERVER_ADDRESS', server_port: 'SERVER_PORT', proxy_port: 3389, zone: 'ZONE',
      registration_token: 'REGISTRATION_TOKEN', number_of_threads: 10, kasm_delete_session_watch_interval: 60, forward_logs_to_manager: true, keepalive_loop_interval: 30,
    });
    expect(config.api).toEqual({ auth_token: 'JWTTOKEN', public_jwt_cert: 'PUBLICCERT', hostnames: ['APIHOSTNAME'], port: 'SERVER_PORT', hostname_refresh_interval: 30, schema: 'http' });
    const logging = config.logging['rdp-gateway'];
    expect(logging.loggers['']).toEqual({ handlers: ['stream', 'syslog'], level: 'DEBUG', propagate: true });
    expect(logging.handlers.stream.formatter).toBe('standard');
    expect(logging.formatters.pythonjsonlogger['()']).toBe('pythonjsonlogger.jsonlogger.JsonFormatter');
    expect(logging.handlers.file_handler.filename).toBe('/opt/kasm/current/log/rdp_gateway.log');
  });

  test('a change of the file rolls the pods (a subPath mount never sees ConfigMap updates)', () => {
    const deploy = find(manifests, 'Deployment', 'kasm-rdp-gateway');
    expect(deploy.spec.template.metadata.annotations['kasm.cdk8s.io/files-digest']).toMatch(/^[0-9a-f]{10}$/);
  });

  test('1.19.0 mounts the same file (rdp-gateway-deployment.yaml@23b0604, gaps table row 8)', () => {
    const next = mountedFile(synthK3sDev({ version: KasmVersion.V1_19_0 }));
    expect(next?.mount.subPath).toBe('passthrough.app.config.yaml');
    expect(next?.text).toBe(file.text);
  });

  test('1.16.0 keeps the image\'s own configuration (its chart mounts none)', () => {
    expect(mountedFile(synthK3sDev({ version: KasmVersion.V1_16_0 }), 'rdp-gateway')).toBeUndefined();
  });
});

test('the contract refuses a configuration file that is not an absolute path, or two files with one name', () => {
  const c = KasmVersion.V1_18_1.contract;
  const gw = c.components[ComponentId.RDP_GATEWAY]!;
  const broken = (configFiles: { path: string; content: string }[]) => contractProblems({ ...c, components: { ...c.components, [gw.id]: { ...gw, configFiles } } });
  expect(broken([{ path: 'passthrough.app.config.yaml', content: '' }])).toEqual([
    'components.rdpGateway.configFiles: "passthrough.app.config.yaml" is not an absolute file path whose name is a ConfigMap key',
  ]);
  expect(broken([{ path: '/a/x.yaml', content: '' }, { path: '/b/x.yaml', content: '' }])).toEqual([
    'components.rdpGateway.configFiles: two files are named "x.yaml"; they share one ConfigMap',
  ]);
});
