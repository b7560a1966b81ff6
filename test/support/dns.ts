/**
 * A DNS stand-in for nginx's `resolver` under test: every A query is answered with 127.0.0.1, so configurations that
 * resolve pod and Service names per request (`proxy_pass https://$host:...`) reach the loopback stand-ins while the
 * TLS hop still checks the real name.
 */
import * as dgram from 'dgram';
import { AddressInfo } from 'net';

/** The names asked, in order; and the port to give nginx (`resolver 127.0.0.1:<port>`). */
export class LoopbackDns {
  readonly asked: string[] = [];
  private readonly socket = dgram.createSocket('udp4');
  port = 0;

  async listen(): Promise<this> {
    this.socket.on('message', (msg, peer) => {
      const { name, end } = readQuestion(msg);
      this.asked.push(name);
      const qtype = msg.readUInt16BE(end);
      const header = Buffer.from(msg.subarray(0, 12));
      header.writeUInt16BE(0x8180, 2); // a response, recursion available, no error
      header.writeUInt16BE(qtype === 1 ? 1 : 0, 6); // one answer for A, none for AAAA and the rest
      header.writeUInt16BE(0, 8);
      header.writeUInt16BE(0, 10);
      const question = msg.subarray(12, end + 4);
      const answer = qtype === 1
        ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 127, 0, 0, 1])
        : Buffer.alloc(0);
      this.socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    this.port = (this.socket.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

function readQuestion(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i] !== 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString('ascii'));
    i += msg[i] + 1;
  }
  return { name: labels.join('.'), end: i + 1 };
}
