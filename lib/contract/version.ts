import { KasmContract } from './types';
import { KasmConfigError, show } from '../core/validation';

/* eslint-disable @typescript-eslint/no-require-imports */
/** The rules a contract entry keeps, loaded by `fromContract` (shipped entries are held to them by the tests). */
const contractProblems = (contract: KasmContract) => (require('./check') as typeof import('./check')).contractProblems(contract);
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A supported Kasm Workspaces release and its runtime contract.
 *
 * An enum-like class (as cdk8s-plus does for `Duration`): adding a release is a new contract entry here, not new
 * construct code.
 */
export class KasmVersion {
  // Each shipped release's contract loads on first use: every entry is a module of data, and a synth reads the one
  // or two releases it deploys, not all of them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  /** Kasm 1.19.0, the current GA release (PostgreSQL 16). */
  public static readonly V1_19_0 = new KasmVersion('1.19.0', () => (require('./releases/v1_19_0') as typeof import('./releases/v1_19_0')).KASM_1_19_0);
  /** Kasm 1.18.1, the default (PostgreSQL 14). */
  public static readonly V1_18_1 = new KasmVersion('1.18.1', () => (require('./releases/v1_18_1') as typeof import('./releases/v1_18_1')).KASM_1_18_1);
  /** Kasm 1.16.0, the last release with Kasm Share and Redis. */
  public static readonly V1_16_0 = new KasmVersion('1.16.0', () => (require('./releases/v1_16_0') as typeof import('./releases/v1_16_0')).KASM_1_16_0);
  /* eslint-enable @typescript-eslint/no-require-imports */

  /** Every supported release, newest first. */
  public static readonly ALL: readonly KasmVersion[] = [KasmVersion.V1_19_0, KasmVersion.V1_18_1, KasmVersion.V1_16_0];

  /**
   * Look a release up by its version string.
   *
   * @throws KasmConfigError naming the accepted versions when `version` is not supported.
   */
  public static of(version: string, owner = 'KasmVersion', prop = 'version'): KasmVersion {
    const found = KasmVersion.ALL.find((v) => v.version === version);
    if (!found) {
      throw new KasmConfigError({ owner, prop, value: version, problem: [`is not a supported Kasm version; accepted: ${KasmVersion.ALL.map((v) => show(v.version)).join(', ')}`] });
    }
    return found;
  }

  /**
   * A release this library does not ship yet (a Kasm development build, or a patch release before we add it), from a
   * contract entry you write. The entry is held to the rules every shipped entry keeps (pinned images, IANA port
   * names, edges on declared ports, sizing for every preset, routes with owners).
   *
   * @throws KasmConfigError listing every rule the entry breaks.
   */
  public static fromContract(contract: KasmContract): KasmVersion {
    if (typeof contract !== 'object' || contract === null) {
      throw new KasmConfigError(`KasmVersion.fromContract contract: ${show(contract)} is not accepted; pass a KasmContract object`);
    }
    const problems = contractProblems(contract);
    if (problems.length > 0) {
      throw new KasmConfigError(`KasmVersion.fromContract contract: the entry for ${show(contract.version)} breaks ${problems.length} rule(s):\n`
        + problems.map((p) => `  - ${p}`).join('\n'));
    }
    const shipped = KasmVersion.ALL.find((v) => v.version === contract.version);
    if (shipped) {
      throw new KasmConfigError(`KasmVersion.fromContract contract: version ${show(contract.version)} is a shipped release; use KasmVersion.of(${show(contract.version)})`);
    }
    return new KasmVersion(contract.version, () => contract);
  }

  /** The release number, e.g. '1.18.1'. */
  public readonly version: string;
  private loaded?: KasmContract;

  private constructor(version: string, private readonly load: () => KasmContract) {
    this.version = version;
  }

  /** The release's runtime contract: images, ports, env, edges, routes and sizing of every component. */
  public get contract(): KasmContract {
    if (this.loaded === undefined) {
      const contract = this.load();
      if (contract.version !== this.version) throw new Error(`KasmVersion ${this.version}: its contract entry says ${contract.version}`);
      this.loaded = contract;
    }
    return this.loaded;
  }

  /** The version with dots replaced, for use in object names ('1-18-1'). */
  public get slug(): string {
    return this.version.replace(/\./g, '-');
  }

  /** Negative when this release is older than `other`, positive when newer, 0 for the same release. */
  public compareTo(other: KasmVersion): number {
    const a = this.version.split('.').map(Number);
    const b = other.version.split('.').map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    }
    return 0;
  }

  public toString(): string {
    return this.version;
  }
}
