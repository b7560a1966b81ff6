/** The proxy's nginx configuration: generated from the route table, and accepted by a real nginx. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComponentId, KasmVersion } from '../../lib';
import { proxyTargets, renderProxyConfig, ProxyConfigFiles } from '../../lib/control-plane/proxy-config';

function render(version = KasmVersion.V1_18_1, enabled?: ComponentId[]): ProxyConfigFiles {
  const c = version.contract;
  return renderProxyConfig({
    contract: c,
    enabled: new Set(enabled ?? (Object.keys(c.components) as ComponentId[])),
    workerProcesses: 2,
    dnsResolver: '10.43.0.10',
    sessionTimeoutSeconds: 1800,
  });
}

const locations = (files: ProxyConfigFiles) => [...files['kasm-locations.inc'].matchAll(/^location (.+) \{$/gm)].map((m) => m[1]);

describe('proxy nginx configuration', () => {
  test('every route of the contract becomes a location, in order', () => {
    const files = render();
    expect(locations(files)).toEqual(KasmVersion.V1_18_1.contract.proxy.routes.map((r) => r.location));
  });

  test('upstreams point at the release Service names with keepalive pools', () => {
    expect(render()['kasm.conf']).toContain('upstream upstream_manager {\n  server kasm-manager-default:8181;\n  keepalive 16;\n}');
    expect(render(KasmVersion.V1_16_0)['kasm.conf']).toContain('upstream upstream_manager {\n  server kasm-manager:8181;');
    expect(render()['kasm.conf']).toContain('server kasm-guac:3004;');
  });

  test('every target is a Service:port of the contract', () => {
    const c = KasmVersion.V1_18_1.contract;
    const known = new Set(Object.values(c.components).flatMap((comp) => comp!.ports.map((p) => `${comp!.serviceName}:${p.port}`)));
    for (const t of proxyTargets(render())) expect(known).toContain(`${t.host}:${t.port}`);
  });

  test('the browser scheme is forwarded, not the proxy\'s own', () => {
    const files = render();
    expect(files['kasm-locations.inc']).not.toContain('X-Forwarded-Proto $scheme');
    expect(files['kasm.conf']).toMatch(/map \$http_x_forwarded_proto \$x_forwarded_proto \{\n {2}default \$http_x_forwarded_proto;\n {2}"" {6}\$scheme;/);
  });

  test('desktop streams get the session timeout and an explicit resolver for agent host names', () => {
    const files = render();
    const desktop = files['kasm-locations.inc'].split('location /desktop/ {')[1].split('\n}\n')[0];
    expect(desktop).toContain('proxy_read_timeout 1800s;');
    expect(desktop).toContain('auth_request /kasm_connect;');
    expect(files['kasm.conf']).toContain('resolver 10.43.0.10 valid=30s ipv6=off;');
  });

  test('routes of a disabled component disappear with its upstream', () => {
    const files = render(KasmVersion.V1_18_1, [ComponentId.PROXY, ComponentId.API, ComponentId.MANAGER]);
    expect(locations(files)).not.toContain('/guac_connect/vnc/');
    expect(files['kasm.conf']).not.toContain('upstream_guacd');
    expect(files['kasm-locations.inc']).not.toContain('upstream_guacd');
  });

  test('1.16 routes /api/share/ to Kasm Share; 1.18.1 has no share route', () => {
    expect(locations(render(KasmVersion.V1_16_0))).toContain('/api/share/');
    expect(locations(render())).not.toContain('/api/share/');
  });

  test('logs go to stdout and stderr, the pid to the writable /run', () => {
    const conf = render()['nginx.conf'];
    expect(conf).toContain('access_log /dev/stdout kasm_json;');
    expect(conf).toContain('error_log stderr warn;');
    expect(conf).toContain('pid /run/nginx.pid;');
  });

  const nginx = spawnSync('nginx', ['-v']).status === 0 ? 'nginx' : undefined;
  // .ci/run installs Debian's nginx-core, so CI always runs this; a workstation without nginx skips it.
  (nginx ? test : test.skip).each(KasmVersion.ALL.map((v) => [v.version, v]))('nginx -t accepts the %s configuration', (_name, version) => {
    const files = render(version as KasmVersion);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-nginx-'));
    try {
      const confd = path.join(dir, 'conf.d');
      fs.mkdirSync(confd);
      // A throwaway certificate made at test time, so the TLS server block loads.
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kasm-proxy', '-days', '1',
        '-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt')], { stdio: 'ignore' });
      const services = Object.values((version as KasmVersion).contract.components).map((comp) => comp!.serviceName);
      const local = (text: string) => services.reduce((t, svc) => t.replace(new RegExp(`\\b${svc}:`, 'g'), '127.0.0.1:'), text)
        .replace(/\/etc\/nginx\/conf\.d/g, confd)
        .replace('/run/nginx.pid', path.join(dir, 'nginx.pid'))
        // Jest's stdio is a socket, which nginx cannot open as /dev/stdout (a pod's stdout is a FIFO, which it can).
        .replace('/dev/stdout', path.join(dir, 'access.log'))
        .replace(/\/etc\/ssl\/certs\/kasm_nginx\.crt/g, path.join(dir, 'tls.crt'))
        .replace(/\/etc\/ssl\/private\/kasm_nginx\.key/g, path.join(dir, 'tls.key'))
        // The self-signed certificate stands in for the internal CA bundle the verified hops load.
        .replace(/\/etc\/ssl\/certs\/kasm_internal_ca\.crt/g, path.join(dir, 'tls.crt'));
      fs.writeFileSync(path.join(dir, 'nginx.conf'), local(files['nginx.conf']));
      fs.writeFileSync(path.join(confd, 'kasm.conf'), local(files['kasm.conf']));
      fs.writeFileSync(path.join(confd, 'kasm-locations.inc'), local(files['kasm-locations.inc']));
      const result = spawnSync(nginx!, ['-t', '-e', 'stderr', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('test is successful') });
      expect(result.stderr).not.toMatch(/\[(warn|emerg|alert)\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
