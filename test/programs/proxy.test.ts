/**
 * The proxy under Debian's nginx, for every shipped release: the generated configuration (only upstream addresses,
 * listen ports, resolver, file paths rewritten to loopback and a temp folder; the routes as shipped) in front of
 * upstream stand-ins that record what they receive. Per route of the contract: the upstream reached, the path it
 * arrives with, Host and X-Forwarded-*, websockets that upgrade and carry frames both ways, the body limit, and the
 * timeouts `nginx -T` reports.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { ComponentId, KasmVersion } from '../../lib';
import { ProxyRoute } from '../../lib/contract/types';
import { renderProxyConfig } from '../../lib/control-plane/proxy-config';
import * as gen from '../../lib/security/generator/x509';
import { describeWithBinaries } from '../support/binaries';
import { LoopbackDns } from '../support/dns';
import { freePort, tempDir, track } from '../support/servers';
import { Seen, Upstream, websocketRoundTrip } from '../support/upstreams';

jest.setTimeout(30000);
const SESSION_TIMEOUT = 1234;
const ca = gen.createCa({ commonName: 'test-proxy-ca', validityDays: 2 });
// The names verified hops expect: every Service of namespace `kasm`, and 1.19's RDP-over-HTTPS pods by their own names.
const cert = gen.issueCertificate({
  ca, commonName: 'localhost', dnsNames: ['localhost', 'kasm.example.com', '*.kasm.svc.cluster.local', '*.kasm-rdp-https-gateway.kasm.svc.cluster.local'], ipAddresses: ['127.0.0.1'], validityDays: 1,
});
const RDP_POD = 'kasm-rdp-https-gateway-0.kasm-rdp-https-gateway.kasm.svc.cluster.local';
const tls = { cert: cert.certPem, key: cert.keyPem };

/**
 * Which component each service and direct route must reach, written down here rather than read from the contract
 * under test, so a contract that sends a route to the wrong upstream fails.
 */
const REACHES: Record<string, ComponentId> = {
  '/api/admin/': ComponentId.API, '/api/': ComponentId.API, '/api/subscriptions/': ComponentId.API, '/api/share/': ComponentId.SHARE,
  '/manager_api/': ComponentId.MANAGER, '/rdp-gateway/': ComponentId.RDP_GATEWAY, '/rdp-https-gateway/': ComponentId.RDP_HTTPS_GATEWAY,
  '/remoteDesktopGateway': ComponentId.RDP_HTTPS_GATEWAY, '/rpc': ComponentId.RDP_HTTPS_GATEWAY,
  '/guac_connect/vnc/': ComponentId.GUAC, '/guac_login': ComponentId.GUAC, '/guac/__healthcheck': ComponentId.GUAC, '/guac/vm_disconnect': ComponentId.GUAC,
};

/** GET (or `method`) through the proxy's TLS port, as a browser behind another proxy would. */
function request(port: number, p: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', rejectUnauthorized: false, servername: 'kasm.example.com', agent: false,
      headers: { Host: 'kasm.example.com', 'X-Forwarded-For': '203.0.113.9', ...opts.headers },
    }, (res) => { let body = ''; res.on('data', (d) => { body += d; }); res.on('end', () => resolve({ status: res.statusCode!, body })); });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describeWithBinaries('the proxy under real nginx', ['nginx'], (bin) => {
  describe.each(KasmVersion.ALL.map((v) => [v.version, v] as const))('Kasm %s', (_name, version) => {
    const c = version.contract;
    const files = renderProxyConfig({
      contract: c, enabled: new Set(Object.keys(c.components) as ComponentId[]), workerProcesses: 1, dnsResolver: '10.43.0.10', sessionTimeoutSeconds: SESSION_TIMEOUT,
    });
    const seen: Seen[] = [];
    const upstreams = new Map<string, Upstream>();
    let agent: Upstream;
    let httpsPort = 0;
    let dir = '';
    let dns: LoopbackDns;
    const svc = (id: ComponentId) => c.components[id]!.serviceName;
    const upstreamServers = (name: string) => c.proxy.upstreams.filter((u) => u.name === name).flatMap((u) => u.ports.map((p) => `${svc(u.component)}:${p}`));
    const httpsTargets = new Set(c.proxy.routes.flatMap((r) => (r.kind === 'service' && r.scheme === 'https' ? upstreamServers(r.upstream) : [])));

    beforeAll(async () => {
      dir = tempDir('kasm-nginx');
      fs.chmodSync(dir, 0o755);
      agent = await new Upstream('agent', seen, () => ({ port: 0, path: '', auth: '' }), tls).listen();
      dns = await new LoopbackDns().listen();
      const connect = () => ({ port: agent.port, path: 'agent/path', auth: 'session-token', hostname: RDP_POD });
      const targets = [...new Set([...files['kasm.conf'].matchAll(/server ([a-z0-9-]+:\d+);/g), ...files['kasm-locations.inc'].matchAll(/https?:\/\/([a-z0-9-]+:\d+)/g)].map((m) => m[1]))];
      for (const t of targets) upstreams.set(t, await new Upstream(t, seen, connect, httpsTargets.has(t) ? tls : undefined).listen());
      const [httpPort, tlsPort] = [await freePort(), await freePort()];
      httpsPort = tlsPort;
      fs.writeFileSync(path.join(dir, 'tls.crt'), cert.certPem);
      fs.writeFileSync(path.join(dir, 'tls.key'), cert.keyPem);
      fs.writeFileSync(path.join(dir, 'ca.crt'), ca.certPem);
      const www = path.join(dir, 'www');
      fs.mkdirSync(www, { mode: 0o755 });
      fs.writeFileSync(path.join(www, 'index.html'), 'kasm front end');
      for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t), { mode: 0o777 });
      const byLength = [...upstreams.keys()].sort((a, b) => b.length - a.length);
      const local = (text: string) => byLength.reduce((t, k) => t.replace(new RegExp(`(?<![\\w-])${k}(?!\\d)`, 'g'), `127.0.0.1:${upstreams.get(k)!.port}`), text)
        .replace(`listen ${c.proxy.httpPort};`, `listen 127.0.0.1:${httpPort};`)
        .replace(`listen ${c.proxy.httpsPort} ssl;`, `listen 127.0.0.1:${tlsPort} ssl;`)
        .replace(new RegExp(`127\\.0\\.0\\.1:${c.proxy.httpPort}/`, 'g'), `127.0.0.1:${httpPort}/`)
        .replace(/resolver 10\.43\.0\.10 /, `resolver 127.0.0.1:${dns.port} `)
        .replace(/\/etc\/nginx\/conf\.d/g, path.join(dir, 'conf.d'))
        .replace('/run/nginx.pid', path.join(dir, 'nginx.pid'))
        .replace('/dev/stdout', path.join(dir, 'access.log'))
        .replace(/root \/srv\/www;/g, `root ${www};`)
        .replace(/\/etc\/ssl\/certs\/kasm_nginx\.crt/g, path.join(dir, 'tls.crt'))
        .replace(/\/etc\/ssl\/private\/kasm_nginx\.key/g, path.join(dir, 'tls.key'))
        .replace(/\/etc\/ssl\/certs\/kasm_internal_ca\.crt/g, path.join(dir, 'ca.crt'))
        .replace('http {', ['http {', ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t === 'body' ? 'client_body' : t}_temp_path ${dir}/${t};`)].join('\n'));
      fs.writeFileSync(path.join(dir, 'nginx.conf'), local(files['nginx.conf']));
      fs.mkdirSync(path.join(dir, 'conf.d'));
      fs.writeFileSync(path.join(dir, 'conf.d', 'kasm.conf'), local(files['kasm.conf']));
      fs.writeFileSync(path.join(dir, 'conf.d', 'kasm-locations.inc'), local(files['kasm-locations.inc']));
      const nginx = spawn(bin.nginx, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { detached: true, stdio: 'ignore' });
      const stop = track(nginx);
      stopNginx = stop;
      for (let i = 0; i < 100; i++) {
        try { if ((await request(tlsPort, '/checkvalid')).status === 200) return; } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`nginx did not start: ${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    });
    let stopNginx = () => undefined as void;
    afterAll(async () => {
      stopNginx();
      await Promise.all([agent, ...upstreams.values()].filter(Boolean).map((u) => u.close()));
      await dns?.close();
    });
    beforeEach(() => { seen.length = 0; });

    const routeOf = (location: string) => c.proxy.routes.find((r) => r.location === location)!;
    const authRoute = (location: string) => routeOf(location) as Extract<ProxyRoute, { kind: 'authSubrequest' }>;
    const probePath = (location: string) => `${location}${location.endsWith('/') ? '' : '/'}probe/a`;
    const expectForwarded = (s: Seen) => {
      expect(s.headers.host).toBe('kasm.example.com');
      expect(s.headers['x-forwarded-for']).toMatch(/^203\.0\.113\.9, 127\.0\.0\.1/);
      expect(s.headers['x-forwarded-proto']).toBe('https');
      expect(s.headers.upgrade).toBeUndefined();
    };

    const plain = c.proxy.routes.filter((r) => !r.location.startsWith('~') && !r.location.startsWith('='));
    test.each(plain.map((r) => [`${r.kind} ${r.location}`, r] as const))('%s', async (_label, route) => {
      const p = `${probePath(route.location)}?x=1`;
      const res = await request(httpsPort, p);
      switch (route.kind) {
        case 'service': {
          expect(res.status).toBe(200);
          expect(seen).toHaveLength(1);
          expect(upstreamServers(route.upstream)).toContain(seen[0].server);
          expect(seen[0].server.split(':')[0]).toBe(svc(REACHES[route.location]));
          expect(seen[0].url).toBe(route.upstreamPath ? route.upstreamPath + p.slice(route.location.length) : p);
          expectForwarded(seen[0]);
          if (route.forwardedPort) expect(seen[0].headers['x-forwarded-port']).toBe('443');
          break;
        }
        case 'direct':
          expect(res.status).toBe(200);
          expect(seen.map((s) => s.server)).toEqual([`${svc(route.component)}:${route.port}`]);
          expect(route.component).toBe(REACHES[route.location]);
          expect(seen[0].url).toBe(route.path + p.slice(route.location.length));
          expectForwarded(seen[0]);
          break;
        case 'agentSession': {
          expect(res.status).toBe(200);
          const auth = authRoute(route.authLocation);
          expect(seen.map((s) => s.server)).toEqual([`${svc(auth.component)}:${auth.port}`, 'agent']);
          expect(seen[0].url).toBe(auth.path);
          expect(seen[0].headers['x-original-uri']).toBe(p);
          expect(seen[1].url.split('?')[0]).toBe(route.dynamicScheme ? '/agent/path' : `/${p.slice(route.stripPrefix.length).split('?')[0]}`);
          expect(seen[1].headers.authorization).toBe(route.bearer ? 'Bearer session-token' : 'session-token');
          expectForwarded(seen[1]);
          break;
        }
        case 'podLookup': {
          // The api names the session's pod; the hop to it is verified against the CA for that pod's name.
          expect(res.status).toBe(200);
          const auth = authRoute(route.authLocation);
          expect(seen.map((s) => s.server)).toEqual([`${svc(auth.component)}:${auth.port}`, 'agent']);
          expect(seen[0].url).toBe(auth.path);
          expect(seen[1].url).toBe(p);
          expect(dns.asked).toContain(RDP_POD);
          expectForwarded(seen[1]);
          break;
        }
        case 'authSubrequest':
          expect(res.status).toBe(404);
          expect(seen).toEqual([]);
          break;
        case 'corsPreflight':
          expect(res.status).toBe(204);
          break;
        case 'static':
          expect(res.status).toBe(404);
          expect(await request(httpsPort, '/index.html')).toEqual({ status: 200, body: 'kasm front end' });
          expect(seen).toEqual([]);
          break;
        case 'guacLoopback': {
          expect(res.status).toBe(200);
          expect(upstreamServers('upstream_guacd')).toContain(seen[0].server);
          expect(seen[0].url).toBe('/vnc.htmlguaclite?x=1');
          break;
        }
        default:
          throw new Error(`no probe for ${route.kind}`);
      }
    });

    const hasGuac = c.proxy.upstreams.some((u) => u.name === 'upstream_guacd');
    test('= /checkvalid answers ok itself; the guac regex routes go to guac through the loopback and to guacd (releases whose proxy routes guac)', async () => {
      expect(await request(httpsPort, '/checkvalid')).toEqual({ status: 200, body: 'ok' });
      expect(seen).toEqual([]);
      if (!hasGuac) return;
      expect((await request(httpsPort, '/kasmguac/0a1b-2c3d/vnc/probe/a?x=1')).status).toBe(200);
      // The loopback hop's proxy_pass has variables, so nginx passes no query string on: as shipped (see the report).
      expect(seen.map((s) => `${s.server} ${s.url}`)).toEqual([`${svc(ComponentId.GUAC)}:3000 /probe/a`]);
      expectForwarded(seen[0]);
      seen.length = 0;
      expect((await request(httpsPort, '/kasmguac/0a1b-2c3d/vnc/vnc.htmlguaclite?token=t')).status).toBe(200);
      expect(upstreamServers('upstream_guacd')).toContain(seen[0].server);
      expect(seen[0].url).toBe('/vnc.htmlguaclite?token=t');
    });

    test.each([
      ['/desktop/', 'agent'],
      ['/guac_connect/vnc/vnc.htmlguaclite', 'upstream_guacd'],
      ['/kasmguac/0a1b/vnc/vnc.htmlguaclite', 'upstream_guacd'],
      ['/api/', 'upstream_api'],
    ].filter(([, upstream]) => upstream !== 'upstream_guacd' || hasGuac))('websocket through %s upgrades and carries frames both ways', async (location, upstream) => {
      const r = await websocketRoundTrip(httpsPort, true, location.endsWith('/') ? `${location}ws` : location, 'hello');
      expect(r.status).toBe(101);
      const hit = seen[seen.length - 1];
      const servers = upstream === 'agent' ? ['agent'] : upstreamServers(upstream);
      expect(servers).toContain(hit.server);
      expect(r.echo).toBe(`${hit.server} echoes hello`);
      expect(hit.headers.upgrade).toBe('websocket');
      expect(hit.headers.connection).toBe('upgrade');
      expect(hit.headers.host).toBe('kasm.example.com');
    });

    test('the body limit: 1 MiB reaches the api, more than 1 GiB is refused with 413 before it is sent', async () => {
      const body = Buffer.alloc(1024 * 1024, 'k');
      expect((await request(httpsPort, '/api/upload', { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } })).status).toBe(200);
      expect(seen.map((s) => [s.server, s.bodyBytes])).toEqual([[`${svc(ComponentId.API)}:8080`, body.length]]);
      seen.length = 0;
      const over = await request(httpsPort, '/api/upload', { method: 'POST', headers: { 'Content-Length': String(1024 ** 3 + 1) } }).catch((e) => ({ status: -1, body: String(e) }));
      expect(over.status).toBe(413);
      expect(seen).toEqual([]);
    });

    test('nginx -T: the session timeout the props asked for on desktops and guac, 3600 s on /rpc', () => {
      const t = spawnSync(bin.nginx, ['-T', '-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
      expect(t.status).toBe(0);
      const blockOf = (location: string) => t.stdout.split(`location ${location} {`)[1].split('\n}\n')[0];
      for (const l of ['/desktop/', '/guac_connect/vnc/', '/rdp-https-gateway/'].filter((loc) => c.proxy.routes.some((r) => r.location === loc))) {
        expect(blockOf(l)).toContain(`proxy_read_timeout ${SESSION_TIMEOUT}s;`);
        expect(blockOf(l)).toContain(`proxy_send_timeout ${SESSION_TIMEOUT}s;`);
      }
      expect(blockOf('/rpc')).toContain('proxy_read_timeout 3600s;');
      expect(t.stdout).toContain('client_max_body_size 1G;');
    });
  });
});
