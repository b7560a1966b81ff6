/**
 * The smallest Kubernetes REST client the Job needs: get, create and merge-patch Secrets over HTTPS with the pod's
 * service account token, retrying what may pass (connection errors, 429, 5xx) and failing at once on the rest.
 */
import * as fs from 'fs';
import * as https from 'https';
import type { IncomingHttpHeaders } from 'http';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const REQUEST_TIMEOUT_MS = 10000;
/** Attempts per request, and rounds of a conditional patch that lost a race. */
export const MAX_ATTEMPTS = 5;
const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 10000;
const NON_RETRYABLE_CONNECT = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_|ERR_INVALID_URL)/;

/** Where the API server is and how to trust and authenticate to it. */
export interface KubeConfig {
  readonly baseUrl: string;
  readonly token: string;
  readonly ca: string;
  readonly retryDelayMs: number;
}

/** The part of a Secret the generator reads and writes. */
export interface Secret {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly resourceVersion?: string;
  };
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** A JSON merge patch made conditional by `resourceVersion`, so a concurrent writer is never overwritten. */
export interface ConditionalPatch {
  readonly metadata: { readonly resourceVersion?: string };
  readonly data: Readonly<Record<string, string>>;
}

/** The verbs the generator's Role grants (the message spells them as the log always has). */
export type Verb = 'get' | 'create' | 'patch';
const SPELLING: Record<Verb, string> = { get: 'GET', create: 'create', patch: 'PATCH' };

/** A request that failed for good: which verb on which Secret, the HTTP status when there was one, and why. */
export class KubeApiError extends Error {
  constructor(
    readonly verb: Verb,
    readonly namespace: string,
    readonly secretName: string,
    /** Undefined when no response came (connection, TLS, timeout). */
    readonly status: number | undefined,
    readonly problem: string,
    /** More than one when retries ran out. */
    readonly attempts = 1,
  ) {
    super(`${SPELLING[verb]} Secret ${namespace}/${secretName} failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${problem}`);
    this.name = 'KubeApiError';
  }
}

interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly json: unknown;
}

interface Request {
  readonly verb: Verb;
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly expect: readonly number[];
}

const METHOD: Record<Verb, string> = { get: 'GET', create: 'POST', patch: 'PATCH' };

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot read the ${what} at ${file} (${err.code ?? err.message}); is automountServiceAccountToken enabled?`);
  }
}

/** The in-cluster configuration; the KASM_GENERATOR_* variables point it elsewhere (tests, debugging). */
export function kubeConfig(env: NodeJS.ProcessEnv): KubeConfig {
  let baseUrl = env.KASM_GENERATOR_API_URL;
  if (!baseUrl) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: run this inside a Kubernetes Pod (or set KASM_GENERATOR_API_URL)');
    baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const tokenFile = env.KASM_GENERATOR_TOKEN_FILE || `${SA_DIR}/token`;
  const caFile = env.KASM_GENERATOR_CA_FILE || `${SA_DIR}/ca.crt`;
  const token = readFile(tokenFile, 'service account token').trim();
  if (!token) throw new Error(`the service account token at ${tokenFile} is empty`);
  const retryDelay = Number(env.KASM_GENERATOR_RETRY_DELAY_MS);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    token,
    ca: readFile(caFile, 'cluster CA certificate'),
    retryDelayMs: Number.isFinite(retryDelay) && retryDelay >= 0 ? retryDelay : DEFAULT_RETRY_DELAY_MS,
  };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function sendOnce(config: KubeConfig, req: Request): Promise<Response> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = <T>(fn: (value: T) => void, value: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${config.token}`, 'User-Agent': 'kasm-secret-generator' };
    if (payload) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    let request: ReturnType<typeof https.request>;
    try {
      request = https.request(new URL(config.baseUrl + req.path), { method: METHOD[req.verb], headers, ca: config.ca, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => finish(reject, e));
        res.on('close', () => finish(reject, new Error('connection closed before the response was complete')));
        res.on('end', () => {
          finish(resolve, { status: res.statusCode ?? 0, headers: res.headers, json: parseJson(Buffer.concat(chunks).toString('utf8')) });
        });
      });
    } catch (e) {
      reject(e);
      return;
    }
    timer = setTimeout(() => {
      const error: NodeJS.ErrnoException = new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`);
      error.code = 'ETIMEDOUT';
      request.destroy(error);
      finish(reject, error);
    }, REQUEST_TIMEOUT_MS);
    request.on('error', (e) => finish(reject, e));
    request.end(payload);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `HTTP 403 Forbidden: <API message> (<what to check>)`, from a Status body when there is one. */
function describeFailure(status: number, json: unknown): string {
  const body = json !== null && typeof json === 'object' ? (json as { reason?: unknown; message?: unknown }) : {};
  const reason = typeof body.reason === 'string' ? ` ${body.reason}` : '';
  const message = typeof body.message === 'string' ? `: ${body.message.slice(0, 300)}` : '';
  const hint = status === 401 ? ' (the service account token was rejected)'
    : status === 403 ? ' (check the Role: the generator needs create on secrets and get, patch on the Secrets it manages)'
      : '';
  return `HTTP ${status}${reason}${message}${hint}`;
}

/** Sends one request, retrying connection errors, 429 and 5xx; returns the response when its status is expected. */
async function call(config: KubeConfig, req: Request): Promise<Response> {
  const fail = (status: number | undefined, problem: string, attempts = 1) => new KubeApiError(req.verb, req.namespace, req.name, status, problem, attempts);
  let lastProblem = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let delay = config.retryDelayMs * 2 ** (attempt - 1);
    let res: Response | undefined;
    try {
      res = await sendOnce(config, req);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const code = err.code ?? '';
      const problem = `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`;
      if (NON_RETRYABLE_CONNECT.test(code)) throw fail(undefined, problem);
      [lastProblem, lastStatus] = [problem, undefined];
    }
    if (res) {
      if (req.expect.includes(res.status)) return res;
      const problem = describeFailure(res.status, res.json);
      if (res.status !== 429 && res.status < 500) throw fail(res.status, problem);
      [lastProblem, lastStatus] = [problem, res.status];
      const retryAfter = Number(res.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.max(delay, retryAfter * 1000);
    }
    if (attempt < MAX_ATTEMPTS) await sleep(Math.min(delay, MAX_RETRY_DELAY_MS));
  }
  throw fail(lastStatus, lastProblem, MAX_ATTEMPTS);
}

/** Secrets of one namespace. */
export class SecretsApi {
  private readonly collection: string;

  constructor(private readonly config: KubeConfig, readonly namespace: string) {
    this.collection = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  }

  /** The Secret, or null when there is none (404). */
  async get(name: string): Promise<Secret | null> {
    const res = await call(this.config, { verb: 'get', namespace: this.namespace, name, path: this.item(name), expect: [200, 404] });
    if (res.status === 404) return null;
    const json = res.json as { kind?: unknown } | null;
    if (!json || typeof json !== 'object' || json.kind !== 'Secret') {
      throw new KubeApiError('get', this.namespace, name, 200, 'HTTP 200 without a Secret in the body; is the API URL right?');
    }
    return json as Secret;
  }

  /** True when created, false when it already existed (409). */
  async create(secret: Secret): Promise<boolean> {
    const name = secret.metadata.name;
    const res = await call(this.config, { verb: 'create', namespace: this.namespace, name, path: this.collection, body: secret, expect: [200, 201, 202, 409] });
    return res.status !== 409;
  }

  /** True when applied, false on a resourceVersion conflict (409). */
  async mergePatch(name: string, patch: ConditionalPatch): Promise<boolean> {
    const res = await call(this.config, {
      verb: 'patch', namespace: this.namespace, name, path: this.item(name), body: patch, contentType: 'application/merge-patch+json', expect: [200, 409],
    });
    return res.status === 200;
  }

  private item(name: string): string {
    return `${this.collection}/${encodeURIComponent(name)}`;
  }
}
