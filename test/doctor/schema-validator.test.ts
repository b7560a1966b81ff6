/**
 * Tests for the strict manifest validator and for the freshness of its committed schema data.
 * Why: every other schema test trusts this validator, so it must be shown to reject typos, not just accept output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CRDS_OUTPUT, K8S_OUTPUTS, generateSchemas, resolveSharedDir } from '../../scripts/update-schemas';
import { isClusterObject, knownKinds, KUBERNETES_SCHEMA_VERSIONS, validateManifest, validateManifests } from '../../lib/doctor/schema-validator';

const labels = { 'app.kubernetes.io/name': 'kasm-api' };

/** A hand-written Deployment that is valid for Kubernetes 1.27. */
function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kasm-api', namespace: 'kasm', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'api',
            image: 'kasmweb/api:1.18.1',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'kasm-secrets', key: 'db-password' } } }],
            readinessProbe: { httpGet: { path: '/api/__healthcheck', port: 'http' }, periodSeconds: 10 },
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: 1073741824 } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
        },
      },
    },
  };
}

function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kasm-api', namespace: 'kasm' },
    spec: { selector: labels, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
  };
}

describe('valid core objects pass', () => {
  test('Deployment + Service', () => {
    expect(validateManifests([deployment(), service()])).toEqual([]);
  });

  test('cdk8s-plus-27 Deployment exposed via a Service', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'api', {
      replicas: 2,
      containers: [{ name: 'api', image: 'kasmweb/api:1.18.1', portNumber: 8080 }],
    });
    d.exposeViaService({ ports: [{ port: 8080 }] });
    const objs = Testing.synth(chart);
    expect(objs.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(validateManifests(objs)).toEqual([]);
  });

  test('NetworkPolicy, Namespace with labels, Job, StatefulSet with volumeClaimTemplates, Ingress, ConfigMap', () => {
    const objs = [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-proxy-to-api', namespace: 'kasm' },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kasm-proxy' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kasm', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'kasm-db-init', namespace: 'kasm' },
        spec: {
          backoffLimit: 3,
          ttlSecondsAfterFinished: 600,
          template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'init', image: 'kasmweb/api:1.18.1', command: ['/bin/sh', '-c', 'true'] }] } },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'kasm-db', namespace: 'kasm' },
        spec: {
          serviceName: 'kasm-db',
          replicas: 1,
          selector: { matchLabels: { app: 'kasm-db' } },
          template: {
            metadata: { labels: { app: 'kasm-db' } },
            spec: { containers: [{ name: 'db', image: 'postgres:14', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] },
          },
          volumeClaimTemplates: [{
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '10Gi' } } },
          }],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'kasm', namespace: 'kasm', annotations: { 'traefik.ingress.kubernetes.io/router.tls': 'true' } },
        spec: {
          ingressClassName: 'traefik',
          tls: [{ hosts: ['kasm.example.com'], secretName: 'kasm-tls' }],
          rules: [{
            host: 'kasm.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kasm-proxy', port: { number: 443 } } } }] },
          }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kasm-proxy-config', namespace: 'kasm' },
        data: { 'nginx.conf': 'events {}' },
      },
    ];
    expect(validateManifests(objs)).toEqual([]);
  });
});

describe('invalid core objects fail with the path and property', () => {
  test('spec.replcas', () => {
    const d = deployment();
    d.spec.replcas = 2;
    expect(validateManifest(d)).toEqual(["Deployment/kasm-api: /spec must NOT have additional property 'replcas'"]);
  });

  test('container imagePullPolicyy', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(validateManifest(d)).toEqual([
      "Deployment/kasm-api: /spec/template/spec/containers/0 must NOT have additional property 'imagePullPolicyy'",
    ]);
  });

  test('replicas: "two"', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    expect(validateManifest(d)).toEqual(['Deployment/kasm-api: /spec/replicas must be integer']);
  });

  test('metadata typo and int-or-string of the wrong type', () => {
    const s = service();
    s.metadata.labelz = {};
    s.spec.ports[0].targetPort = true;
    expect(validateManifest(s)).toEqual([
      "Service/kasm-api: /metadata must NOT have additional property 'labelz'",
      'Service/kasm-api: /spec/ports/0/targetPort must be string or integer',
    ]);
  });
});

describe('CRDs', () => {
  test('cert-manager Certificate with spec.dnsName fails', () => {
    const cert = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'kasm-tls', namespace: 'kasm' },
      spec: { secretName: 'kasm-tls', dnsName: 'kasm.example.com', issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    };
    expect(validateManifest(cert)).toEqual(["Certificate/kasm-tls: /spec must NOT have additional property 'dnsName'"]);
    const fixed = { ...cert, spec: { secretName: 'kasm-tls', dnsNames: ['kasm.example.com'], issuerRef: cert.spec.issuerRef } };
    expect(validateManifest(fixed)).toEqual([]);
  });

  test('Traefik IngressRoute passes', () => {
    expect(validateManifest({
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'kasm', namespace: 'kasm' },
      spec: {
        entryPoints: ['websecure'],
        routes: [{ match: 'Host(`kasm.example.com`)', kind: 'Rule', services: [{ name: 'kasm-proxy', port: 443, scheme: 'https', serversTransport: 'kasm-proxy' }] }],
        tls: { secretName: 'kasm-tls' },
      },
    })).toEqual([]);
  });

  test('HelmChartConfig (helm.cattle.io/v1, spec.valuesContent string) passes', () => {
    expect(validateManifest({
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChartConfig',
      metadata: { name: 'traefik', namespace: 'kube-system' },
      spec: { valuesContent: 'ports:\n  websecure:\n    transport:\n      respondingTimeouts:\n        readTimeout: 1800s\n' },
    })).toEqual([]);
  });

  test('CRD metadata is checked as ObjectMeta', () => {
    const errors = validateManifest({
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChartConfig',
      metadata: { name: 'traefik', namespace: 'kube-system', labelz: {} },
      spec: { valuesContent: '' },
    });
    expect(errors).toEqual(["HelmChartConfig/traefik: /metadata must NOT have additional property 'labelz'"]);
  });

  test('RE2 (?i) patterns work (PrometheusRule partial_response_strategy)', () => {
    const rule = (strategy: string): unknown => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'kasm' },
      spec: { groups: [{ name: 'kasm', partial_response_strategy: strategy, rules: [{ alert: 'Down', expr: 'up == 0' }] }] },
    });
    expect(validateManifest(rule('ABORT'))).toEqual([]);
    expect(validateManifest(rule('sometimes'))).toHaveLength(1);
  });
});

describe('unknown kinds and kustomize', () => {
  test('an unknown kind fails', () => {
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .toEqual(['Widget/w: no schema for apiVersion example.com/v1 kind Widget']);
    expect(validateManifest({ apiVersion: 'v1', kind: 'Deploymnet', metadata: { name: 'd' } }))
      .toEqual(['Deploymnet/d: no schema for apiVersion v1 kind Deploymnet']);
  });

  test('a non-object or an object without apiVersion fails', () => {
    expect(validateManifest(null)).toHaveLength(1);
    expect(validateManifest({ kind: 'ConfigMap', metadata: { name: 'c' } })).toHaveLength(1);
  });

  test('kustomization.yaml is not a cluster object and is checked by its own schema', () => {
    const k = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'kasm',
      resources: ['deployment.yaml', 'service.yaml'],
      labels: [{ pairs: { 'app.kubernetes.io/part-of': 'kasm' }, includeSelectors: false }],
      commonAnnotations: { 'argocd.argoproj.io/sync-wave': '1' },
    };
    expect(isClusterObject(k)).toBe(false);
    expect(isClusterObject(deployment())).toBe(true);
    expect(validateManifest(k)).toEqual([]);
    expect(validateManifest({ ...k, resource: [] })).toEqual([
      "Kustomization/<no name>: / must NOT have additional property 'resource'",
    ]);
  });
});

describe('schema data', () => {
  test('every known kind compiles (patterns, refs)', () => {
    const kinds = knownKinds();
    expect(kinds.length).toBeGreaterThan(150);
    for (const { apiVersion, kind } of kinds) {
      const errors = validateManifest({ apiVersion, kind, metadata: { name: 'x' } });
      expect(errors.filter((e) => e.includes('no schema'))).toEqual([]);
    }
  }, 30_000);

  test('a few hundred objects validate well under a second once compiled', () => {
    const objs = Array.from({ length: 300 }, (_, i) => [deployment(), service()][i % 2]);
    validateManifests(objs.slice(0, 2));
    const start = process.hrtime.bigint();
    expect(validateManifests(objs)).toEqual([]);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(ms).toBeLessThan(1000);
  });

  const sharedDir = resolveSharedDir();
  (fs.existsSync(sharedDir) ? test : test.skip)('committed schemas are byte-identical to a fresh regeneration', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-schemas-'));
    try {
      generateSchemas(sharedDir, tmp);
      for (const name of [...K8S_OUTPUTS, CRDS_OUTPUT]) {
        const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'doctor', 'schemas', name));
        const fresh = fs.readFileSync(path.join(tmp, name));
        expect({ name, identical: committed.equals(fresh) }).toEqual({ name, identical: true });
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('Kubernetes 1.27 and 1.33', () => {
  const withSidecar = (restartPolicy?: string) => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
    spec: { template: { spec: {
      restartPolicy: 'Never',
      initContainers: [{ name: 'sidecar', image: 'busybox:1.37.0', ...(restartPolicy ? { restartPolicy } : {}) }],
      containers: [{ name: 'main', image: 'busybox:1.37.0' }],
    } } },
  });

  test('both versions are validated by default', () => {
    expect(KUBERNETES_SCHEMA_VERSIONS).toEqual(['1.27', '1.33']);
  });

  test('a field added after 1.27 (a native sidecar\'s restartPolicy) passes 1.33 and fails 1.27, labelled', () => {
    expect(validateManifests([withSidecar('Always')], { versions: ['1.33'] })).toEqual([]);
    expect(validateManifests([withSidecar('Always')])).toEqual([
      '[k8s 1.27] Job/j: /spec/template/spec/initContainers/0 must NOT have additional property \'restartPolicy\'',
    ]);
  });

  test('a field no version knows fails once, unlabelled', () => {
    const typo = { ...withSidecar(), spec: { ...withSidecar().spec, completionz: 1 } };
    expect(validateManifests([typo])).toEqual(['Job/j: /spec must NOT have additional property \'completionz\'']);
  });

  test('an unknown version is refused', () => {
    expect(() => validateManifests([withSidecar()], { versions: ['1.20'] })).toThrow(/no schema data for Kubernetes 1\.20; available: 1\.27, 1\.33/);
  });

  test('the new CRDs are known: IngressRouteTCP, Argo CD Application, Flux Kustomization and GitRepository', () => {
    const keys = knownKinds().map((k) => `${k.apiVersion}/${k.kind}`);
    for (const k of ['traefik.io/v1alpha1/IngressRouteTCP', 'argoproj.io/v1alpha1/Application', 'kustomize.toolkit.fluxcd.io/v1/Kustomization', 'source.toolkit.fluxcd.io/v1/GitRepository']) {
      expect(keys).toContain(k);
    }
  });
});
