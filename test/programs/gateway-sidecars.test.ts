/**
 * Kasm 1.19.0's gateway sidecars and the proxy's verified TLS hops under Debian's nginx, with certificates made by
 * openssl here: each sidecar route reaches the right loopback port with the right path, the hop a sidecar makes to
 * another gateway and the proxy's hop to an RDP-over-HTTPS pod succeed with the internal CA's certificate for the
 * expected name, and fail (502) with another CA's certificate or the internal CA's for another name.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { ComponentId, KasmVersion } from '../../lib';
import { PORTS } from '../../lib/contract/ports';
import { renderProxyConfig } from '../../lib/control-plane/proxy-config';
import { renderSidecarConfig } from '../../lib/control-plane/sidecar-config';
import { describeWithBinaries } from '../support/binaries';
import { LoopbackDns } from '../support/dns';
import { freePort, tempDir, track } from '../support/servers';
import { ConnectAnswer, Seen, Upstream } from '../support/upstreams';

jest.setTimeout(60000);
const contract = KasmVersion.V1_19_0.contract;
const CLUSTER = { namespace: 'kasm', clusterDomain: 'cluster.local' };
const POD = 'kasm-rdp-https-gateway-1.kasm-rdp-https-gateway-default.kasm.svc.cluster.local';

interface Pem { readonly cert: string; readonly key: string }

/** Swap the certificate a TLS stand-in presents. */
const serve = (u: Upstream, pem: Pem) => (u.server as https.Server).setSecureContext(pem);

describeWithBinaries('the 1.19.0 gateway sidecars and verified TLS hops under real nginx', ['nginx', 'openssl'], (bin) => {
  let dir = '';
  let dns: LoopbackDns;
  const seen: Seen[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  let connect: ConnectAnswer = { port: 0, path: '', auth: '' };
  const certs: Record<string, Pem> = {};

  const openssl = (args: string[]) => execFileSync(bin.openssl, args, { cwd: dir, stdio: 'ignore' });
  /** A CA, then leaves it signs for the given DNS names. */
  function makeCa(name: string): void {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${name}`, '-days', '1',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  function issue(name: string, ca: string, dnsNames: string[]): Pem {
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${dnsNames[0].replace('*', 'x')}`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
    return { cert: fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'), key: fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') };
  }

  async function upstream(name: string, tls?: Pem): Promise<Upstream> {
    const u = await new Upstream(name, seen, () => connect, tls).listen();
    closers.push(() => u.close());
    return u;
  }

  /** Run one nginx on `text` (paths, ports and the resolver rewritten to the test's), answering on `port`. */
  async function nginx(name: string, text: string, port: number): Promise<void> {
    const own = path.join(dir, name);
    fs.mkdirSync(own);
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(own, t), { mode: 0o777 });
    const conf = text
      .replace(/\/run\/nginx\.pid/g, path.join(own, 'nginx.pid'))
      .replace(/\/dev\/stdout/g, path.join(own, 'access.log'))
      .replace(/resolver 10\.43\.0\.10 /, `resolver 127.0.0.1:${dns.port} `)
      .replace('http {', ['http {', ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t === 'body' ? 'client_body' : t}_temp_path ${own}/${t};`)].join('\n'));
    fs.writeFileSync(path.join(own, 'nginx.conf'), conf);
    const proc = spawn(bin.nginx, ['-e', path.join(own, 'error.log'), '-p', own, '-c', path.join(own, 'nginx.conf'), '-g', 'daemon off;'], { detached: true, stdio: 'ignore' });
    closers.push(track(proc));
    for (let i = 0; i < 100; i++) {
      if (await get(port, '/__nothing').then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nginx ${name} did not start: ${fs.readFileSync(path.join(own, 'error.log'), 'utf8')}`);
  }

  const get = (port: number, p: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: p, rejectUnauthorized: false, agent: false, headers: { Host: 'kasm.example.com' } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });

  const sidecarFiles = (id: ComponentId) => renderSidecarConfig({
    contract, component: contract.components[id]!, sidecar: contract.components[id]!.sidecars![0], enabled: new Set(Object.keys(contract.components) as ComponentId[]),
    dnsResolver: '10.43.0.10', sessionTimeoutSeconds: 1800, cluster: CLUSTER,
  })['nginx.conf'];

  /** Loopback port -> the stand-in's port, TLS files -> the test's. */
  const local = (text: string, ports: Record<number, number>, tls: string) => Object.entries(ports)
    .reduce((t, [from, to]) => t.replace(new RegExp(`(127\\.0\\.0\\.1|\\$peer_host):${from}(?!\\d)`, 'g'), `$1:${to}`), text)
    .replace(/\/etc\/nginx\/ssl\/tls\.crt/g, path.join(dir, `${tls}.crt`))
    .replace(/\/etc\/nginx\/ssl\/tls\.key/g, path.join(dir, `${tls}.key`))
    .replace(/\/etc\/nginx\/ssl\/ca\.crt/g, path.join(dir, 'internal-ca.crt'));

  const ports: Record<string, number> = {};
  let guacPeer: Upstream;
  let rdpHttpsPod: Upstream;

  beforeAll(async () => {
    dir = tempDir('kasm-sidecars');
    fs.chmodSync(dir, 0o755);
    dns = await new LoopbackDns().listen();
    closers.push(() => dns.close());
    makeCa('internal-ca');
    makeCa('other-ca');
    const svc = (s: string) => `${s}.kasm.svc.cluster.local`;
    certs.sidecar = issue('sidecar', 'internal-ca', ['*.kasm-guac-default.kasm.svc.cluster.local', 'kasm-guac-default', svc('kasm-guac-default')]);
    certs.guac = issue('guac-peer', 'internal-ca', [svc('kasm-guac-default')]);
    certs.rdpApp = issue('rdp-app', 'internal-ca', [svc('kasm-rdp-https-gateway-default')]);
    certs.pod = issue('pod', 'internal-ca', ['*.kasm-rdp-https-gateway-default.kasm.svc.cluster.local']);
    certs.otherCa = issue('other', 'other-ca', [svc('kasm-guac-default'), '*.kasm-rdp-https-gateway-default.kasm.svc.cluster.local']);
    certs.wrongName = issue('wrong-name', 'internal-ca', ['kasm-api-default.kasm.svc.cluster.local']);
    certs.proxy = issue('proxy', 'internal-ca', ['kasm.example.com']);

    const guacApp = await upstream('guac:3000');
    const guacd = await Promise.all(PORTS.guacd.map((p) => upstream(`guacd:${p}`)));
    const agent = await upstream('agent', certs.sidecar);
    connect = { port: agent.port, path: 'agent/path', auth: 'session-token' };
    const rdpGw = await upstream('rdp-gateway:5555');
    const rdpApp = await upstream('rdp-https-gateway:9443', certs.rdpApp);
    guacPeer = await upstream('guac-nginx:9000', certs.guac);
    for (const name of ['guac', 'rdpGateway', 'rdpHttpsGateway', 'proxy']) ports[name] = await freePort();

    await nginx('guac', local(sidecarFiles(ComponentId.GUAC), { 3000: guacApp.port, ...Object.fromEntries(PORTS.guacd.map((p, i) => [p, guacd[i].port])) }, 'sidecar')
      .replace('listen 9000 ssl;', `listen 127.0.0.1:${ports.guac} ssl;`), ports.guac);
    await nginx('rdp-gateway', local(sidecarFiles(ComponentId.RDP_GATEWAY), { 5555: rdpGw.port, 9000: guacPeer.port }, 'sidecar')
      .replace('listen 9001 ssl;', `listen 127.0.0.1:${ports.rdpGateway} ssl;`), ports.rdpGateway);
    await nginx('rdp-https-gateway', local(sidecarFiles(ComponentId.RDP_HTTPS_GATEWAY), { 9443: rdpApp.port }, 'sidecar')
      .replace('listen 9002 ssl;', `listen 127.0.0.1:${ports.rdpHttpsGateway} ssl;`), ports.rdpHttpsGateway);

    rdpHttpsPod = await upstream('rdp-https-gateway-pod:9002', certs.pod);
    const api = await upstream('api:8080');
    const manager = await upstream('manager:8181');
    const files = renderProxyConfig({
      contract, enabled: new Set(Object.keys(contract.components) as ComponentId[]), workerProcesses: 1, dnsResolver: '10.43.0.10', sessionTimeoutSeconds: 1800, cluster: CLUSTER,
    });
    const httpPort = await freePort();
    const proxyConf = files['nginx.conf'].replace('include /etc/nginx/conf.d/*.conf;', () => files['kasm.conf']
      .replace(/include \/etc\/nginx\/conf\.d\/kasm-locations\.inc;/g, () => files['kasm-locations.inc'])
      .replace(/kasm-api-default:8080/g, `127.0.0.1:${api.port}`)
      .replace(/kasm-manager-default:8181/g, `127.0.0.1:${manager.port}`)
      .replace(/listen 8080;/, `listen 127.0.0.1:${httpPort};`)
      .replace(/listen 8443 ssl;/, `listen 127.0.0.1:${ports.proxy} ssl;`)
      .replace(/\/etc\/ssl\/certs\/kasm_nginx\.crt/g, path.join(dir, 'proxy.crt'))
      .replace(/\/etc\/ssl\/private\/kasm_nginx\.key/g, path.join(dir, 'proxy.key'))
      .replace(/\/etc\/ssl\/certs\/kasm_internal_ca\.crt/g, path.join(dir, 'internal-ca.crt'))
      .replace(/root \/srv\/www;/g, `root ${dir};`));
    await nginx('proxy', proxyConf, ports.proxy);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });
  beforeEach(() => { seen.length = 0; });
  const hits = () => seen.map((s) => `${s.server} ${s.url}`);

  test.each([
    ['/guac/vm_disconnect', 'guac:3000 /vm_disconnect'],
    ['/guac/__healthcheck', 'guac:3000 /__healthcheck'],
    ['/guac/api/v1/support_bundle_request', 'guac:3000 /api/v1/support_bundle_request'],
    ['/guac_login', 'guac:3000 /guac_login'],
    ['/guac_connect/vnc/some/page', 'guac:3000 /some/page'],
  ])('guac on 9000: %s reaches %s', async (p, hit) => {
    expect((await get(ports.guac, p)).status).toBe(200);
    expect(hits()).toEqual([hit]);
  });

  test('guac on 9000: the websocket path goes to a guacd backend, uploads to the agent the guac app names, nothing else under /guac/', async () => {
    expect((await get(ports.guac, '/guac_connect/vnc/vnc.htmlguaclite?token=t')).status).toBe(200);
    expect(hits()).toEqual([expect.stringMatching(/^guacd:300[1-4] \/vnc\.htmlguaclite\?token=t$/)]);
    seen.length = 0;
    expect((await get(ports.guac, '/guac_connect/uploads/file.txt')).status).toBe(200);
    expect(hits()).toEqual(['guac:3000 /vm_connect', 'agent /file.txt']);
    expect(seen[1].headers.authorization).toBe('Bearer session-token');
    seen.length = 0;
    expect((await get(ports.guac, '/guac/anything-else')).status).toBe(404);
    expect(seen).toEqual([]);
  });

  test('rdp-gateway on 9001: its health and routes on 5555; /guac/vm_disconnect to guac\'s sidecar over verified TLS', async () => {
    expect((await get(ports.rdpGateway, '/__healthcheck')).status).toBe(200);
    expect((await get(ports.rdpGateway, '/rdp-gateway/x')).status).toBe(200);
    expect((await get(ports.rdpGateway, '/guac/vm_disconnect?kasm_id=1')).status).toBe(200);
    expect(hits()).toEqual(['rdp-gateway:5555 /__healthcheck', 'rdp-gateway:5555 /x', 'guac-nginx:9000 /guac/vm_disconnect?kasm_id=1']);
    expect(dns.asked).toContain('kasm-guac-default.kasm.svc.cluster.local');
    expect(seen[2].headers.host).toBe('kasm.example.com');
  });

  test.each([
    ['another CA', 'otherCa'],
    ['the internal CA for another name', 'wrongName'],
  ])('rdp-gateway on 9001: guac\'s sidecar with a certificate from %s is refused (502)', async (_label, which) => {
    serve(guacPeer, certs[which]);
    try {
      expect((await get(ports.rdpGateway, '/guac/vm_disconnect')).status).toBe(502);
      expect(seen).toEqual([]);
    } finally {
      serve(guacPeer, certs.guac);
    }
  });

  test('rdp-https-gateway on 9002: RDP over HTTPS to the app on 9443 over verified TLS; /guac/vm_disconnect answered by nginx', async () => {
    for (const p of ['/rpc/x?y=1', '/remoteDesktopGateway/', '/rdp-https-gateway/__healthcheck', '/__healthcheck']) expect((await get(ports.rdpHttpsGateway, p)).status).toBe(200);
    expect(hits()).toEqual(['/rpc/x?y=1', '/remoteDesktopGateway/', '/rdp-https-gateway/__healthcheck', '/__healthcheck'].map((p) => `rdp-https-gateway:9443 ${p}`));
    seen.length = 0;
    expect(await get(ports.rdpHttpsGateway, '/guac/vm_disconnect')).toEqual({ status: 200, body: 'ok' });
    expect(seen).toEqual([]);
  });

  test('the proxy: /rpc goes to the pod the api looks up, verified against the internal CA with the pod\'s own name', async () => {
    connect = { ...connect, port: rdpHttpsPod.port, hostname: POD };
    expect((await get(ports.proxy, '/rpc/probe?x=1')).status).toBe(200);
    expect(hits()).toEqual(['api:8080 /api/remote_desktop_lookup/', 'rdp-https-gateway-pod:9002 /rpc/probe?x=1']);
    expect(seen[0].headers['x-original-uri']).toBe('/rpc/probe?x=1');
    expect(dns.asked).toContain(POD);
  });

  test.each([
    ['another CA', 'otherCa'],
    ['the internal CA for another name', 'wrongName'],
  ])('the proxy: an RDP-over-HTTPS pod with a certificate from %s is refused (502)', async (_label, which) => {
    connect = { ...connect, port: rdpHttpsPod.port, hostname: POD };
    serve(rdpHttpsPod, certs[which]);
    try {
      expect((await get(ports.proxy, '/remoteDesktopGateway/x')).status).toBe(502);
      expect(hits()).toEqual(['api:8080 /api/remote_desktop_lookup/']);
    } finally {
      serve(rdpHttpsPod, certs.pod);
    }
  });

  test('the proxy: /health answers ok, and nginx\'s own redirect keeps the browser\'s host (absolute_redirect off)', async () => {
    expect(await get(ports.proxy, '/health')).toEqual({ status: 200, body: '{"status": "ok"}' });
    const redirect = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
      fs.mkdirSync(path.join(dir, 'folder'), { recursive: true });
      https.get({ host: '127.0.0.1', port: ports.proxy, path: '/folder', rejectUnauthorized: false, agent: false, headers: { Host: 'kasm.example.com' } },
        (res) => { res.resume(); resolve({ status: res.statusCode!, location: res.headers.location }); }).on('error', reject);
    });
    expect(redirect).toEqual({ status: 301, location: '/folder/' });
  });
});
