/**
 * What constructs tell the doctor about things it cannot see in the synthesized objects: objects that exist
 * outside the app (a StorageClass, a Secret the user creates), objects the cluster creates at runtime (generated
 * Secrets, PVCs from volumeClaimTemplates), and the connections the NetworkPolicies must admit.
 *
 * Kept per construct tree (its root), so two apps in one process never see each other's declarations.
 */
import { IConstruct } from 'constructs';
import type { Endpoint } from './network-policy-model';

/** Kinds of objects the reference rule follows. */
export enum ReferencedKind {
  SECRET = 'Secret',
  CONFIG_MAP = 'ConfigMap',
  SERVICE_ACCOUNT = 'ServiceAccount',
  PERSISTENT_VOLUME_CLAIM = 'PersistentVolumeClaim',
  STORAGE_CLASS = 'StorageClass',
  NAMESPACE = 'Namespace',
}

/** Who brings a declared object into being: the user (then NOTES.md says how), or the cluster at runtime. */
export enum DeclaredBy {
  /** The user creates it before the install (an existing Secret, a StorageClass, a namespace). */
  USER = 'user',
  /** Something in the cluster creates it at runtime (the secret generator, an operator). */
  CLUSTER = 'cluster',
}

/** An object that exists although no ApiObject of the app declares it. */
export interface DeclaredObject {
  readonly kind: ReferencedKind;
  /** `undefined` for cluster-scoped kinds (StorageClass). */
  readonly namespace?: string;
  readonly name: string;
  /** Who vouches for it and how, e.g. "KasmSecurity credentials: CredentialSource.existing()". */
  readonly reason: string;
  /**
   * Who creates it; a Secret only users create is listed in NOTES.md with the command that creates it.
   * @default DeclaredBy.USER
   */
  readonly createdBy?: DeclaredBy;
  /**
   * The keys a Secret created at runtime holds (the doctor checks every key read is among them, and every one is read).
   * @default - not known: any key a pod reads is taken as present
   */
  readonly keys?: readonly string[];
  /**
   * Keys of {@link keys} that people or hosts outside the cluster read (a first password, an agent's token), so no pod
   * need read them.
   * @default []
   */
  readonly readElsewhere?: readonly string[];
  /**
   * The kind of Secret a user creates, for the command in NOTES.md.
   * @default 'generic'
   */
  readonly secretType?: 'generic' | 'tls' | 'docker-registry';
  /**
   * Construct path of the declaring construct, where a finding about the declaration is reported.
   * @default - findings about it name the reason only
   */
  readonly at?: string;
}

/** One side of a connection as the doctor resolves it: pods by label in the synthesized objects, or an address. */
export type ConnectionEnd =
  | { readonly kind: 'pods'; readonly namespace: string; readonly selector: Readonly<Record<string, string>>; readonly name: string }
  | { readonly kind: 'address'; readonly endpoint: Endpoint }
  /** An end that should exist but does not (a database edge without a peer): always a finding. */
  | { readonly kind: 'missing'; readonly reason: string };

/** A connection the NetworkPolicies must admit. */
export interface ExpectedConnection {
  readonly description: string;
  readonly from: ConnectionEnd;
  readonly to: ConnectionEnd;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Construct path that owns the expectation, for the report. */
  readonly owner: string;
}

/** Pods an operator creates from a custom resource, which no pod template in the app shows. */
export interface RuntimePods {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Who creates them, for reports. */
  readonly name: string;
}

/** The declarations of one construct tree. */
export class DoctorDeclarations {
  /** The declarations of the tree `scope` belongs to (created on first use). */
  public static of(scope: IConstruct): DoctorDeclarations {
    const root = scope.node.root;
    let found = REGISTRY.get(root);
    if (!found) {
      found = new DoctorDeclarations();
      REGISTRY.set(root, found);
    }
    return found;
  }

  private readonly objects: DeclaredObject[] = [];
  private readonly connections: (() => ExpectedConnection[])[] = [];
  private readonly pods: RuntimePods[] = [];

  private constructor() {}

  /** Say that an object exists outside the app or is created by the cluster at runtime. */
  public declare(object: DeclaredObject): void {
    this.objects.push(object);
  }

  /** Register the connections a construct expects the policies to admit (evaluated lazily, at synth). */
  public expectConnections(produce: () => ExpectedConnection[]): void {
    this.connections.push(produce);
  }

  /** Say that an operator creates pods with these labels at runtime (e.g. CloudNativePG's instances from a Cluster). */
  public declarePods(pods: RuntimePods): void {
    this.pods.push(pods);
  }

  /** Pods declared as created at runtime. */
  public get runtimePods(): readonly RuntimePods[] {
    return [...this.pods];
  }

  /** Everything declared so far. */
  public get declaredObjects(): readonly DeclaredObject[] {
    return [...this.objects];
  }

  /** Every expected connection of the tree. */
  public expectedConnections(): ExpectedConnection[] {
    return this.connections.flatMap((p) => p());
  }
}

const REGISTRY = new WeakMap<IConstruct, DoctorDeclarations>();
