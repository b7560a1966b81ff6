/**
 * A Kubernetes API server stand-in over HTTPS for the secret generator: Secrets in memory, answered as the API does
 * (201 on create, 200 on get and merge patch, 404 with a Status, 409 AlreadyExists or Conflict), plus injected
 * answers (403 with a Status body, 422, 5xx, a slow answer) for one verb and Secret name at a time.
 */
import * as https from 'https';
import { AddressInfo } from 'net';

export interface Injected { readonly method: string; readonly name?: string; readonly status: number; times: number; readonly delayMs?: number; readonly before?: () => void }

export class KubeApiStandIn {
  readonly secrets = new Map<string, any>();
  readonly requests: string[] = [];
  readonly injected: Injected[] = [];
  url = '';
  private rv = 1;
  private readonly server: https.Server;

  constructor(tls: { certPem: string; keyPem: string }, private readonly token: string) {
    this.server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      let text = '';
      req.on('data', (c) => { text += c; });
      req.on('end', () => this.handle(req, text, res));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Stores a Secret as the API would return it. */
  put(ns: string, secret: any): void {
    this.secrets.set(`${ns}/${secret.metadata.name}`, { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', ...secret, metadata: { ...secret.metadata, namespace: ns, resourceVersion: String(this.rv++) } });
  }

  writes(): string[] { return this.requests.filter((r) => !r.startsWith('GET')); }

  private handle(req: any, text: string, res: any): void {
    const send = (code: number, body: unknown) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    const status = (code: number, reason: string, message: string, details?: object) => send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
    const body = text ? JSON.parse(text) : undefined;
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/?]+))?/.exec(req.url);
    const name = m ? (m[2] ?? body?.metadata?.name) : undefined;
    this.requests.push(`${req.method} ${m?.[1]}/${name}`);
    if (req.headers.authorization !== `Bearer ${this.token}`) return status(401, 'Unauthorized', 'Unauthorized');
    if (!m) return status(404, 'NotFound', 'the server could not find the requested resource');
    const key = `${m[1]}/${name}`;
    const fault = this.injected.find((f) => f.method === req.method && (!f.name || f.name === name) && f.times > 0);
    if (fault) {
      fault.times -= 1;
      fault.before?.();
      /** Sends the injected answer; false for status 0 (only a delay, then the normal answer). */
      const answer = (): boolean => {
        if (fault.status === 403) {
          status(403, 'Forbidden', `secrets "${name}" is forbidden: User "system:serviceaccount:${m[1]}:kasm-secret-generator" cannot ${req.method === 'POST' ? 'create' : req.method.toLowerCase()} resource "secrets" in API group "" in the namespace "${m[1]}"`, { name, kind: 'secrets' });
        } else if (fault.status === 422) {
          status(422, 'Invalid', `Secret "${name}" is invalid: data[tls.key]: Invalid value: "": a valid config key must consist of alphanumeric characters`, { name, kind: 'Secret' });
        } else if (fault.status >= 500) {
          status(fault.status, 'InternalError', 'Internal error occurred: etcdserver: request timed out');
        } else {
          return false;
        }
        return true;
      };
      if (fault.delayMs) { setTimeout(() => { if (!answer()) this.answer(req, m, key, body, send, status); }, fault.delayMs); return; }
      if (answer()) return;
    }
    this.answer(req, m, key, body, send, status);
  }

  private answer(req: any, m: RegExpExecArray, key: string, body: any, send: (c: number, b: unknown) => void, status: (c: number, r: string, msg: string) => void): void {
    const existing = this.secrets.get(key);
    if (req.method === 'GET' && m[2]) return existing ? send(200, existing) : status(404, 'NotFound', `secrets "${m[2]}" not found`);
    if (req.method === 'POST' && !m[2]) {
      if (existing) return status(409, 'AlreadyExists', `secrets "${body.metadata.name}" already exists`);
      this.put(m[1], body);
      return send(201, this.secrets.get(key));
    }
    if (req.method === 'PATCH' && m[2] && existing) {
      if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion) return status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
      existing.data = { ...existing.data, ...body.data };
      existing.metadata.resourceVersion = String(this.rv++);
      return send(200, existing);
    }
    return status(405, 'MethodNotAllowed', 'method not allowed');
  }
}
