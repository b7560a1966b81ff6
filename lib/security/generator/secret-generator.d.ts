/** Types of the dependency-free in-cluster Secret generator (secret-generator.js), for the chart code and the tests. */

/** The JSON file the Job reads: what to create in which namespace. */
export interface GeneratorPlan {
  readonly namespace: string;
  readonly labels?: Record<string, string> | null;
  readonly credentials?: { readonly secretName: string; readonly keys: readonly string[] } | null;
  readonly ca?: { readonly secretName: string; readonly commonName: string; readonly validityDays: number } | null;
  readonly certificates?: readonly GeneratorCertificate[] | null;
  /** Credentials copied into other namespaces as basic-auth Secrets (a database there reads its password). */
  readonly mirrors?: readonly GeneratorMirror[] | null;
}

/** One copy of a credential in another namespace. */
export interface GeneratorMirror {
  readonly namespace: string;
  readonly secretName: string;
  readonly username: string;
  /** Key of the credentials Secret whose value becomes `password`. */
  readonly fromKey: string;
}

/** One leaf `kubernetes.io/tls` Secret signed by the plan's CA. */
export interface GeneratorCertificate {
  readonly secretName: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  /** Optional iPAddress SAN entries (an extension of the documented plan shape). */
  readonly ipAddresses?: readonly string[];
  readonly validityDays: number;
}

/** What happened to one Secret. */
export interface GeneratorSummaryEntry {
  readonly secret: string;
  readonly action: 'created' | 'patched' | 'reissued' | 'unchanged';
  /** Key names written (created or patched only); never values. */
  readonly keys?: string[];
}

/** A certificate and its PKCS#1 private key, both PEM. */
export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A decoded DER element. */
export interface DerElement {
  readonly tag: number;
  readonly raw: Buffer;
  readonly content: Buffer;
  readonly end: number;
}

export declare const der: {
  integer(value: number | bigint | Buffer): Buffer;
  sequence(...items: Buffer[]): Buffer;
  set(...items: Buffer[]): Buffer;
  oid(dotted: string): Buffer;
  utf8String(text: string): Buffer;
  ia5String(text: string): Buffer;
  time(date: Date): Buffer;
  bitString(bytes: Buffer | Uint8Array, unusedBits?: number): Buffer;
  namedBits(bitNumbers: number[]): Buffer;
  octetString(bytes: Buffer | Uint8Array): Buffer;
  boolean(value: boolean): Buffer;
  null(): Buffer;
  explicit(n: number, element: Buffer): Buffer;
  implicit(n: number, content: Buffer, constructed?: boolean): Buffer;
};

export declare function derRead(buffer: Buffer, offset?: number): DerElement;
export declare function derChildren(content: Buffer): DerElement[];
export declare function randomToken(length?: number): string;
/** `permittedDnsNames`: names the CA may vouch for, as a critical NameConstraints extension (minimal subtrees). */
export declare function createCa(options: { commonName: string; validityDays: number; permittedDnsNames?: string[]; now?: Date }): PemPair;
/** The dNSName SANs of a DER certificate. */
export declare function dnsNamesOf(certDer: Buffer): string[];
/** The fewest dNSName subtrees that permit every name. */
export declare function permittedSubtrees(names: string[]): string[];
/** The permitted dNSName subtrees of a CA certificate's NameConstraints, or null without them. */
export declare function permittedDnsOf(certDer: Buffer): string[] | null;
export declare function issueCertificate(options: {
  ca: PemPair;
  commonName: string;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  validityDays: number;
  now?: Date;
}): PemPair;
export declare function parseIpAddress(text: string): Buffer;
export declare function validatePlan(plan: unknown): GeneratorPlan;
export declare function run(plan: GeneratorPlan, env?: NodeJS.ProcessEnv): Promise<GeneratorSummaryEntry[]>;
export declare function main(argv?: string[], env?: NodeJS.ProcessEnv): Promise<number>;
