/**
 * The install spec: TypeScript passes the values file's shape to a variant's fromSpec, typed per variant, and gets
 * the manifests and the errors the values file gets; every key is declared once, with the prop it becomes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Size, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg, K3sDevSpec, K3sProdSpec } from '../../charts';
import { VALUES } from '../../charts/spec/keys';
import { checkSpec, propOf, specKeyOf, specToProps } from '../../charts/spec/install-spec';
import { Field, ObjectSpec, VALUES_VARIANTS, ValuesVariant } from '../../charts/spec/language';
import { parseValues } from '../../cli/values/values-file';
import { variantFromValues } from '../../cli/values/variant';
import { SizePreset } from '../../lib/contract/types';
import { KasmConfigError } from '../../lib/core/validation';
import * as yaml from 'js-yaml';

const manifests = (build: (app: App) => void): string => {
  const app = Testing.app();
  build(app);
  return JSON.stringify(app.charts.map((c) => c.toJson()));
};
const errorOf = (build: () => void): KasmConfigError => {
  try {
    build();
  } catch (err) {
    if (err instanceof KasmConfigError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('fromSpec builds what the flat props build', () => {
  test('k3s-prod: nested keys land on the props they are declared for', () => {
    const spec: K3sProdSpec = {
      hostname: 'kasm.example.com',
      size: 'large',
      sessionTimeout: '45m',
      database: { storage: { size: '80Gi', className: 'fast' }, maxConnections: 800 },
      network: { agentCidrs: ['192.168.10.0/24'] },
      images: { registry: 'registry.example.com/kasm' },
      components: { api: { replicas: 4 } },
      nodes: [{ count: 4, cpu: 16, memory: '64Gi' }],
    };
    const fromSpec = manifests((app) => K3sProd.fromSpec(app, 'k3s-prod', spec));
    const fromProps = manifests((app) => new K3sProd(app, 'k3s-prod', {
      hostname: 'kasm.example.com',
      size: SizePreset.LARGE,
      sessionTimeout: require('cdk8s').Duration.minutes(45),
      databaseStorage: Size.gibibytes(80),
      storageClassName: 'fast',
      databaseMaxConnections: 800,
      agentCidrs: ['192.168.10.0/24'],
      imageRegistry: 'registry.example.com/kasm',
      components: { api: { replicas: 4 } },
      nodes: [{ count: 4, cpu: '16', memory: '64Gi' }],
    }));
    expect(fromSpec).toBe(fromProps);
    expect(fromSpec).toContain('"storage":"80Gi"');
    expect(fromSpec).toContain('registry.example.com/kasm/');
  });

  test.each(VALUES_VARIANTS)('%s: an empty spec (hostname aside) is the published variant', (variant) => {
    const published = { 'k3s-dev': {}, 'k3s-prod': { hostname: 'kasm.example.com' }, 'rke2-cnpg': { hostname: 'kasm.example.com' } }[variant];
    const fromSpec = manifests((app) => {
      if (variant === 'k3s-dev') K3sDev.fromSpec(app, variant, published);
      else if (variant === 'k3s-prod') K3sProd.fromSpec(app, variant, { hostname: 'kasm.example.com' });
      else Rke2Cnpg.fromSpec(app, variant, { hostname: 'kasm.example.com' });
    });
    const fromProps = manifests((app) => {
      if (variant === 'k3s-dev') new K3sDev(app, variant);
      else if (variant === 'k3s-prod') new K3sProd(app, variant, { hostname: 'kasm.example.com' });
      else new Rke2Cnpg(app, variant, { hostname: 'kasm.example.com' });
    });
    expect(fromSpec).toBe(fromProps);
  });

  test('a values file and the same data through fromSpec give the same manifests', () => {
    const data = { hostname: 'kasm.example.com', database: { instances: 5, storage: { size: '20Gi' } }, backup: { method: 'volumeSnapshot', retention: 3 } };
    const values = parseValues(yaml.dump(data), 'values.yaml', 'rke2-cnpg');
    expect(manifests((app) => variantFromValues('rke2-cnpg', values, 'values.yaml').build(app)))
      .toBe(manifests((app) => Rke2Cnpg.fromSpec(app, 'rke2-cnpg', data as any)));
  });

  test('the snippet of docs/configuration.md synthesizes', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
    const snippet = /<!-- spec-snippet -->\n```ts\n([\s\S]*?)```/.exec(doc)![1].replace(/^import .*\n/gm, '').replace('const app = new App();', '').replace('app.synth();', '');
    const app = Testing.app();
    new Function('app', 'K3sProd', snippet)(app, K3sProd);
    const text = JSON.stringify(app.charts.map((c) => c.toJson()));
    expect(text).toContain('"storage":"80Gi"');
  });
});

describe('the spec is typed per variant', () => {
  test('keys another variant has, unknown keys, wrong shapes and a missing hostname are type errors', () => {
    // Each line below fails to compile without its @ts-expect-error (tsc checks this file in npm test).
    // @ts-expect-error database.instances is rke2-cnpg's (CloudNativePG)
    const instances: K3sDevSpec = { database: { instances: 3 } };
    // @ts-expect-error no such key
    const unknown: K3sDevSpec = { databaseStorage: '10Gi' };
    // @ts-expect-error size is one of the presets
    const preset: K3sDevSpec = { size: 'huge' };
    // @ts-expect-error k3s-prod has no default host name
    const noHost: K3sProdSpec = { size: 'medium' };
    const enumMember: K3sDevSpec = { size: SizePreset.SMALL, nodes: [{ count: 1, cpu: 4, memory: '8Gi' }] };
    expect([instances, unknown, preset, noHost, enumMember]).toHaveLength(5);
  });

  test('plain JavaScript gets the values file\'s errors, key path first', () => {
    const err = errorOf(() => K3sDev.fromSpec(Testing.app(), 'dev', { database: { storage: { size: '10GB' } }, hostname: 42 } as any));
    expect(err.message).toContain('spec has 2 problems for k3s-dev');
    expect(err.message).toContain('spec: database.storage.size: \'10GB\' is not accepted');
    expect(err.message).toContain('spec: hostname: 42 is not a string');
    const named = errorOf(() => K3sProd.fromSpec(Testing.app(), 'prod', { hostname: 'kasm.example.com', database: { instances: 3 } } as any, 'platform.ts'));
    expect(named.message).toContain('platform.ts: database.instances: 3 is not accepted: applies to rke2-cnpg only, not k3s-prod');
  });

  test('an error a construct raises is said about the key that fed it', () => {
    const err = errorOf(() => Rke2Cnpg.fromSpec(Testing.app(), 'rke2', { hostname: 'kasm.example.com', database: { instances: 4 } }));
    expect(err.fields).toMatchObject({ owner: 'CnpgDatabase', prop: 'instances', value: 4, spec: { file: 'spec', path: 'database.instances', variant: 'rke2-cnpg' } });
  });
});

/** Every key of the tree with its path. */
function keys(tree: ObjectSpec, prefix = ''): [string, Field, Field[]][] {
  const out: [string, Field, Field[]][] = [];
  const walk = (t: ObjectSpec, p: string, parents: Field[]) => {
    for (const [k, field] of Object.entries(t.fields)) {
      const at = p ? `${p}.${k}` : k;
      out.push([at, field, parents]);
      if (field.kind === 'object') walk(field, at, [...parents, field]);
    }
  };
  walk(tree, prefix, []);
  return out;
}

describe('each key is declared once, with where it goes', () => {
  test.each(VALUES_VARIANTS)('%s: every key reaches a prop, itself or through the key above it', (variant) => {
    const lost = keys(VALUES).filter(([, field, parents]) => {
      const chain = [...parents, field].filter((f) => f.variants === undefined || f.variants.includes(variant));
      if (chain.length !== parents.length + 1) return false;
      // An object without a prop hands each key on; a leaf needs a prop of its own or one above it.
      return field.kind !== 'object' && chain.every((f) => propOf(f, variant) === undefined);
    }).map(([at]) => at);
    expect(lost).toEqual([]);
  });

  test('a spec checkSpec returned is not checked again for its variant (the CLI parses, then fromSpec builds), but is for another', () => {
    const checked = checkSpec('k3s-dev', { name: 'dev' }, 'values.yaml');
    expect(checkSpec('k3s-dev', checked, 'values.yaml')).toBe(checked);
    expect(() => checkSpec('rke2-cnpg', checked, 'values.yaml')).toThrow(/values.yaml: name: 'dev' is not accepted: applies to k3s-dev, k3s-prod only, not rke2-cnpg/);
  });

  test('specToProps writes each declared prop once and nothing else', () => {
    const spec = checkSpec('k3s-prod', { hostname: 'kasm.example.com', database: { storage: { size: '1Ti' }, maxConnections: 300 }, ingress: { issuerName: 'corp' } }, 'spec');
    const props = specToProps('k3s-prod', spec);
    expect(Object.keys(props).sort()).toEqual(['databaseMaxConnections', 'databaseStorage', 'hostname', 'ingressIssuerName']);
    expect(props.databaseStorage).toEqual(Size.tebibytes(1));
  });

  // What a construct's error (owner, prop) is said about: the declarations' `prop` and `feeds`, most specific first.
  test.each<[ValuesVariant, string, string, string | undefined]>([
    ['k3s-dev', 'K3sDev', 'databaseStorage', 'database.storage.size'],
    ['rke2-cnpg', 'Rke2Cnpg', 'databaseStorage', 'database.storage.size'],
    ['k3s-dev', 'KasmDatabase', 'storage', 'database.storage.size'],
    ['k3s-dev', 'KasmDatabase', 'storageClassName', 'database.storage.className'],
    ['k3s-dev', 'KasmDatabase', 'backup.storageClassName', 'backup.storage.className'],
    ['k3s-dev', 'KasmDatabase', 'backup.storage', 'backup.storage.size'],
    ['k3s-dev', 'KasmDatabase', 'backup.schedule', 'backup.schedule'],
    ['rke2-cnpg', 'CnpgDatabase', 'storageClassName', 'cluster.defaultStorageClass'],
    ['rke2-cnpg', 'CnpgDatabase', 'namespace', 'database.namespace'],
    ['rke2-cnpg', 'CnpgDatabase', 'controlPlaneNamespace', 'namespace'],
    ['rke2-cnpg', 'Rke2Cnpg', 'databaseBackup.objectStoreName', 'backup.objectStoreName'],
    ['k3s-prod', 'KasmControlPlane', 'upgradeBackup.storage', 'upgradeBackup.size'],
    ['k3s-prod', 'KasmScaling', 'components.api.maxReplicas', 'scaling.components.api.maxReplicas'],
    ['k3s-dev', 'ClusterProfile.k3s', 'dnsServiceIp', 'cluster.dnsServiceIp'],
    ['k3s-dev', 'KasmSecurity', 'egress[0].ports', 'network.egress[0].ports'],
    ['k3s-dev', 'KasmGateway', 'rdp', 'rdp'],
    ['k3s-dev', 'KasmGateway', 'parentRefs[0].name', 'frontDoor.gateway.parentRefs[0].name'],
    ['k3s-dev', 'TraefikTimeouts', 'rdpEntryPoint.port', 'rdp.port'],
    ['k3s-dev', 'SealedSecret', 'credentials.encryptedData.db-password', 'secrets.credentials.sealedSecrets.encryptedData.db-password'],
    ['k3s-dev', 'ExternalSecret', 'credentials.storeName', 'secrets.credentials.externalSecrets.storeName'],
    ['k3s-dev', 'K3sDev', 'credentials', 'secrets.credentials.externalSecrets'],
    ['k3s-prod', 'K3sProd', 'ingressTls.issuerName', 'ingress.issuerName'],
    ['k3s-dev', 'ArgoCdApplications', 'basePath', 'gitops.path'],
    ['k3s-dev', 'FluxKustomizations', 'revision', 'gitops.revision'],
    ['k3s-dev', 'KasmVersion', 'version', 'version'],
    ['k3s-dev', 'KasmControlPlane', 'nothingDeclared', undefined],
  ])('%s: %s %s -> %s', (variant, owner, prop, key) => {
    expect(specKeyOf(variant, owner, prop)).toBe(key);
  });
});
