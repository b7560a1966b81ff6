/**
 * The public surface: constructs, their props, enums, interfaces and factories. Internals (validation helpers,
 * renderers, pod building blocks) are deliberately not exported; import paths under lib/ are not an API.
 *
 * @module cdk8s-kasm
 */

// Releases as data
export { KasmVersion } from './contract/version';
export {
  ComponentId, ExternalPeer, SecretKey, TlsRole, SizePreset, ReadinessCheck, DbInitMode, DerivedValue, ScalingMode, PodField,
  WorkloadKind,
} from './contract/types';
export type {
  KasmContract, ComponentContract, DependencyEdge, DatabaseContract, DbInitContract, ProxyContract, ImageRef, PortContract,
  EnvContract, EnvSource, HealthCheck, ResourceContract, SizingContract, WritablePathContract, TlsMountContract,
  ProxyRoute, ProxyUpstream, UpgradeContract, SidecarContract, NginxSidecarContract, ContainerContract, ConfigFileContract,
} from './contract/types';

// The cluster
export { ClusterProfile } from './cluster/profile';
export type { ClusterProfileProps, ClusterProfileOverrides } from './cluster/profile';

// Control plane
export { KasmControlPlane, ImagePullPolicy } from './control-plane/control-plane';
export type { KasmControlPlaneProps, KasmComponentOptions, TrustedCaBundle } from './control-plane/control-plane';
export type { UpstreamAuth } from './control-plane/upstream-auth';
export type { KasmZone, ResolvedZone } from './control-plane/zones';
export type { IKasmControlPlane, IScalableWorkload, ResolvedEdge, WorkloadScaling } from './control-plane/interface';
export type { KasmPodOptions } from './core/pod-options';
export type { KasmUpgradeBackupOptions } from './control-plane/upgrade';
export type { ResourceOverrides } from './core/resources';

// Database
export { KasmDatabase } from './database/kasm-database';
export type { KasmDatabaseProps } from './database/kasm-database';
export type { DatabaseBackup, KasmDatabaseBackupOptions } from './database/backup';
export type { KasmDatabaseEndpointProps } from './database/endpoint-database';
export type { IKasmDatabase, PasswordMirror } from './database/interface';
export { CnpgDatabase, CNPG_IMAGES, CNPG_OPERATOR } from './database/cnpg-database';
export type { CnpgDatabaseProps } from './database/cnpg-database';
export { CnpgBackupMethod } from './database/cnpg-backup';
export type { CnpgBackupOptions } from './database/cnpg-backup';

// Front door
export { KasmIngress } from './ingress/kasm-ingress';
export type { KasmIngressProps } from './ingress/kasm-ingress';
export { TraefikTimeouts } from './ingress/traefik-timeouts';
export type { TraefikTimeoutsProps, TraefikTcpEntryPoint, TraefikGatewayApi } from './ingress/traefik-timeouts';
export { KasmRdpExposure, RdpExposureKind } from './ingress/rdp-exposure';
export type { KasmRdpExposureProps, IKasmExposure, InboundFlow } from './ingress/rdp-exposure';
export { BackendScheme } from './ingress/interface';
export { KasmIngressRoute, BackendVerification } from './ingress/ingress-route';
export type { KasmIngressRouteProps } from './ingress/ingress-route';
export type { IKasmFrontDoor } from './ingress/interface';
export { KasmGateway } from './ingress/gateway/kasm-gateway';
export type { KasmGatewayProps } from './ingress/gateway/kasm-gateway';
export type { KasmGatewayOptions, KasmGatewayCreateOptions, KasmGatewayRdpOptions, GatewayParentRef, GatewayBackendCa, GatewayPlan } from './ingress/gateway/options';
export { GatewayImplementationId, RouteSupport, GATEWAY_IMPLEMENTATIONS } from './ingress/gateway/implementations';
export type { GatewayImplementation, GatewayPodsRule, CaObjectKind } from './ingress/gateway/implementations';

// After the install: NOTES.md and the onboarding ConfigMap
export { KasmOnboarding } from './onboarding/kasm-onboarding';
export type { KasmOnboardingProps } from './onboarding/kasm-onboarding';

// Scaling
export { KasmScaling } from './scaling/kasm-scaling';
export type { KasmScalingProps, KasmScalingOptions, ComponentAutoscaling, ComponentScalingPlan } from './scaling/kasm-scaling';

// Capacity: the nodes a variant declares (the synth-time fit check packs its pods onto them)
export type { NodePool, SystemReservation } from './planner/fit';

// Security
export { KasmSecurity } from './security/kasm-security';
export type { KasmSecurityProps } from './security/kasm-security';
export {
  CredentialSource, CredentialSourceKind, TlsSource, TlsSourceKind, CertManagerIssuerKind, ExternalSecretStoreKind, SealedSecretScope,
} from './security/sources';
export type { CertManagerOptions, ExternalSecretsOptions, SealedSecretsOptions } from './security/sources';
export { KasmSecrets } from './security/secrets';
export type { IKasmSecrets, ExistingKasmSecretsProps } from './security/secrets';
export { KasmNamespace, PodSecurityLevel } from './security/namespace';
export type { KasmNamespaceProps } from './security/namespace';
export { NetworkPeer } from './security/network-peer';
export type { Flow, FlowEnd } from './security/network-peer';
export { GENERATOR_IMAGE } from './security/generator';
export { EgressProtocol } from './security/egress';
export { IdentityProviderKind } from './security/identity-providers';
export type { IdentityProvider } from './security/identity-providers';
export type { EgressRule } from './security/egress';

// Analysis that ships: the synth-time doctor and the offline models it (and diagnose) use
export { NetworkPolicyModel } from './doctor/network-policy-model';
export type {
  Endpoint, PodEndpoint, ExternalEndpoint, Verdict, NamedPort, Protocol, Direction, ExtraNamespace,
} from './doctor/network-policy-model';
export { checkRestricted } from './doctor/pod-security';
export { validateManifests, KUBERNETES_SCHEMA_VERSIONS } from './doctor/schema-validator';
export type { ValidateOptions } from './doctor/schema-validator';
export { KasmAlerts } from './doctor/alerts';
export type { KasmAlertsProps } from './doctor/alerts';
export { diagnose, renderText, renderJson, dumpCommand } from './doctor/diagnose';
export type {
  DiagnosisReport, DiagnosisStatus, DiagnoseOptions, RootCause, AffectedPod, Severity, RenderTextOptions,
} from './doctor/diagnose';

// Configuration errors and output
export { KasmConfigError } from './core/validation';
export type { ConfigProblem, ProblemPart, Spelled, Spelling } from './core/config-error';
export { KasmValidationError } from './core/findings';
export type { Finding } from './core/findings';
export { SyncWave, SYNC_WAVE_ANNOTATION } from './core/metadata';
export { synthVariants, KUSTOMIZATION_FILE } from './gitops/dist-writer';
export { OutputFolderError, OWNED_RECORD } from './gitops/owned-output';
export type { OwnedOutputOptions } from './gitops/owned-output';
export type { Variant } from './gitops/dist-writer';
export type { GitOpsSourceProps } from './gitops/gitops-manifests';
