/**
 * Upstream stand-ins for the proxy under real nginx: HTTP(S) servers that record what reaches them (which server,
 * method, path, headers, body size), answer Kasm's auth subrequests with the `Connect-*` headers the api and guac
 * send, and accept websocket upgrades, echoing each frame back with a prefix.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { AddressInfo, Socket } from 'net';
import type { Duplex } from 'stream';

export interface Seen { readonly server: string; readonly method: string; readonly url: string; readonly headers: http.IncomingHttpHeaders; readonly bodyBytes: number }

/** What an auth subrequest answers: where the agent is (or, for an RDP lookup, the gateway pod: `hostname`). */
export interface ConnectAnswer { readonly port: number; readonly path: string; readonly auth: string; readonly hostname?: string }

export class Upstream {
  readonly server: http.Server;
  port = 0;
  /** Upgraded sockets, which the server no longer tracks. */
  private readonly upgraded = new Set<Duplex>();
  constructor(readonly name: string, seen: Seen[], connect: () => ConnectAnswer, tls?: { cert: string; key: string }) {
    const handler: http.RequestListener = (req, res) => {
      let bodyBytes = 0;
      req.on('data', (c: Buffer) => { bodyBytes += c.length; });
      req.on('end', () => {
        seen.push({ server: name, method: req.method!, url: req.url!, headers: req.headers, bodyBytes });
        if (/kasm_connect|vm_connect/.test(req.url!)) {
          const c = connect();
          res.setHeader('Connect-Hostname', '127.0.0.1');
          res.setHeader('Connect-Port', String(c.port));
          res.setHeader('Connect-Path', c.path);
          res.setHeader('Connect-Auth', c.auth);
          res.setHeader('Connect-Kasm-Id', 'kasm-id-1');
          res.setHeader('Connect-Schema', 'https');
        }
        if (/remote_desktop_lookup/.test(req.url!)) {
          const c = connect();
          res.setHeader('Rdp-Connect-Hostname', c.hostname ?? '127.0.0.1');
          res.setHeader('Rdp-Connect-Port', String(c.port));
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ server: name }));
      });
    };
    this.server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
      seen.push({ server: name, method: req.method!, url: req.url!, headers: req.headers, bodyBytes: 0 });
      this.upgraded.add(socket);
      socket.on('close', () => this.upgraded.delete(socket));
      const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      readFrames(socket, (text) => socket.write(frame(`${name} echoes ${text}`, false)));
    });
  }
  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  close(): Promise<void> {
    for (const s of this.upgraded) s.destroy();
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** One small websocket text frame (payloads below 126 bytes), masked when a client sends it. */
export function frame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('test frames are small');
  if (!masked) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const mask = crypto.randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

/** Calls `onText` for each complete small text frame read from `socket`. */
export function readFrames(socket: Duplex | Socket, onText: (text: string) => void): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const masked = (buf[1] & 0x80) !== 0;
      const len = buf[1] & 0x7f;
      const need = 2 + (masked ? 4 : 0) + len;
      if (buf.length < need) return;
      const mask = masked ? buf.subarray(2, 6) : undefined;
      const payload = buf.subarray(need - len, need).map((b, i) => (mask ? b ^ mask[i % 4] : b));
      buf = buf.subarray(need);
      onText(Buffer.from(payload).toString());
    }
  });
}

/** Opens a websocket through `port` (TLS or not), sends one frame and resolves with the response headers and the echo. */
export function websocketRoundTrip(port: number, tlsOn: boolean, path: string, text: string): Promise<{ status: number; echo: string }> {
  return new Promise((resolve, reject) => {
    const mod = tlsOn ? https : http;
    const req = (mod.request as typeof https.request)({
      host: '127.0.0.1', port, path, rejectUnauthorized: false, servername: 'kasm.example.com',
      headers: { Host: 'kasm.example.com', Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64') },
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`websocket ${path}: no echo within 5 s`)); }, 5000);
    req.on('upgrade', (res, socket) => {
      readFrames(socket, (echo) => { clearTimeout(timer); socket.destroy(); resolve({ status: res.statusCode!, echo }); });
      socket.write(frame(text, true));
    });
    req.on('response', (res) => { clearTimeout(timer); res.resume(); resolve({ status: res.statusCode!, echo: '' }); });
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.end();
  });
}
