/** Bad values name the key path, the value and what is accepted; the JSON Schema rejects the same documents. */
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { Testing } from 'cdk8s';
import { variantFromValues } from '../../cli/values/variant';
import { durationSpelled, KasmConfigError, sizeSpelled } from '../../lib/core/config-error';
import { show } from '../../lib/core/validation';
import { VALUES } from '../../charts/spec/keys';
import { ValueSpec, ValuesVariant, VALUES_VARIANTS } from '../../charts/spec/language';
import { parseValues, valuesJsonSchema } from '../../cli/values/values-file';

const ajv = new Ajv({ allErrors: true, strict: true });
const schema = valuesJsonSchema();
ajv.addSchema(schema);
const schemaOf = (v: ValuesVariant) => ajv.getSchema(`${schema.$id}#/definitions/${v}`)!;

type Seg = string | number;
const BASE = { 'k3s-dev': {}, 'k3s-prod': { hostname: 'kasm.example.com' }, 'rke2-cnpg': { hostname: 'kasm.example.com' } };
const render = (segs: readonly Seg[]) => segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
const nest = (segs: readonly Seg[], value: unknown): any => (segs.length === 0 ? value : typeof segs[0] === 'number' ? [nest(segs.slice(1), value)] : { [segs[0]]: nest(segs.slice(1), value) });

/** Every object (to add an unknown key to) and every leaf (to give a wrong type), as `variant` sees the tree. */
function walk(spec: ValueSpec, variant: ValuesVariant, at: Seg[], objects: Seg[][], leaves: [Seg[], ValueSpec][]): void {
  if (spec.kind === 'object') {
    objects.push(at);
    for (const [k, f] of Object.entries(spec.fields)) if (!f.variants || f.variants.includes(variant)) walk(f, variant, [...at, k], objects, leaves);
  } else if (spec.kind === 'list' && spec.items.kind === 'object') {
    leaves.push([at, spec]);
    walk(spec.items, variant, [...at, 0], objects, leaves);
  } else {
    leaves.push([at, spec]);
  }
}

const WRONG: Record<ValueSpec['kind'], unknown> = { string: { a: 1 }, integer: 'many', boolean: 'yes', list: 'one', map: ['a'], object: 'text' };

function errorsOf(variant: ValuesVariant, doc: unknown, file = 'values.yaml'): string {
  try {
    parseValues(yaml.dump(doc), file, variant);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(doc)}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(VALUES_VARIANTS)('%s', (variant) => {
  const objects: Seg[][] = [];
  const leaves: [Seg[], ValueSpec][] = [];
  walk(VALUES, variant, [], objects, leaves);

  test.each(objects.map((o) => [render(o) || '(top level)', o] as const))('an unknown key in %s is named with its path, value and the accepted keys', (_, at) => {
    const doc = { ...BASE[variant], ...nest([...at, 'bogus'], 42) };
    expect(errorsOf(variant, doc)).toMatch(new RegExp(`values\\.yaml: ${esc(render([...at, 'bogus']))}: 42 is not accepted: 'bogus' is not a key here; accepted keys: \\w+`));
    expect(schemaOf(variant)(doc)).toBe(false);
  });

  test.each(leaves.map(([at, spec]) => [render(at), at, spec] as const))('a wrong type at %s is named with its path, value and what is accepted', (_, at, spec) => {
    const wrong = WRONG[spec.kind];
    const doc = { ...BASE[variant], ...nest(at, wrong) };
    const message = errorsOf(variant, doc);
    expect(message).toMatch(new RegExp(`values\\.yaml: ${esc(render(at))}: ${esc(show(wrong))} is not (a|accepted)[^\\n]*(accepted|pass)`));
    expect(schemaOf(variant)(doc)).toBe(false);
  });
});

describe('values out of range, outside an enum or for another variant', () => {
  test.each([
    ['k3s-dev', { version: '1.17.0' }, "version: '1.17.0' is not one of '1.19.0', '1.18.1', '1.16.0'"],
    ['k3s-dev', { upgradeFrom: '1.18.0' }, "upgradeFrom: '1.18.0' is not one of '1.19.0', '1.18.1', '1.16.0'"],
    ['k3s-dev', { upgradeBackup: { size: '30Gi' } }, 'upgradeBackup: {"size":"30Gi"} is set without upgradeFrom: it configures the pre-upgrade dump, which only an upgrade takes; add upgradeFrom or remove upgradeBackup'],
    ['k3s-dev', { version: '1.19.0', upgradeFrom: '1.18.1', upgradeBackup: { size: '20GB' } }, "upgradeBackup.size: '20GB' is not accepted; accepted: a size in whole Mi, Gi or Ti, e.g. '10Gi'"],
    ['k3s-dev', { version: '1.19.0', upgradeFrom: '1.18.1', upgradeBackup: { className: 'Fast_SSD' } }, "upgradeBackup.className: 'Fast_SSD' is not a valid Kubernetes name"],
    ['k3s-dev', { size: 'huge' }, "size: 'huge' is not one of 'dev', 'small', 'medium', 'large'"],
    ['k3s-dev', { database: { storage: { size: '10GB' } } }, "database.storage.size: '10GB' is not accepted; accepted: a size in whole Mi, Gi or Ti, e.g. '10Gi'"],
    ['k3s-dev', { backup: { retention: 0 } }, 'backup.retention: 0 is not accepted; pass a whole number from 1 to 1000'],
    ['k3s-dev', { backup: { schedule: '0 25 * * *' } }, "backup.schedule: '0 25 * * *' has \"25\" in the hour field, outside 0-23"],
    ['k3s-dev', { nodes: [{ count: 0, cpu: '4', memory: '8Gi' }] }, 'nodes[0].count: 0 is not accepted; pass a whole number from 1 to 1000'],
    ['k3s-dev', { nodes: [{ count: 1, cpu: '4', memory: '8000m' }] }, "nodes[0].memory: '8000m' means 8 bytes"],
    ['k3s-dev', { network: { agentCidrs: ['10.0.0.1/8'] } }, "network.agentCidrs[0]: '10.0.0.1/8' has host bits set"],
    ['k3s-dev', { network: { egress: [{ from: ['api'], to: { cidrs: ['1.2.3.0/24'] }, ports: [70000] }] } }, 'network.egress[0].ports[0]: 70000 is not accepted; pass a whole number from 1 to 65535'],
    ['k3s-dev', { network: { egress: [{ from: ['api'], ports: [443] }] } }, 'network.egress[0].to: undefined is required in an egress rule'],
    ['k3s-dev', { namespace: 'kube-system' }, "namespace: 'kube-system' is reserved for the cluster"],
    ['k3s-dev', { name: 'a'.repeat(40) }, 'is too long'],
    ['k3s-dev', { secrets: { credentials: { source: 'externalSecrets' } } }, 'secrets.credentials.externalSecrets: undefined is required when secrets.credentials.source is externalSecrets'],
    ['k3s-dev', { secrets: { tls: { certManager: { issuerName: 'ca' } } } }, 'secrets.tls.certManager: {"issuerName":"ca"} is set but secrets.tls.source is "generated"'],
    ['k3s-dev', { secrets: { credentials: { source: 'externalSecrets', externalSecrets: { storeName: 'v', remoteKey: 'k', remoteProperties: { 'db-pass': 'x' } } } } }, "secrets.credentials.externalSecrets.remoteProperties.db-pass: 'x' is not accepted: 'db-pass' is not a key here; accepted: a mapping from admin-password"],
    ['k3s-dev', { database: { instances: 3 } }, 'database.instances: 3 is not accepted: applies to rke2-cnpg only, not k3s-dev; accepted keys: storage'],
    ['rke2-cnpg', { database: { instances: 3 } }, "hostname: (not given) is required in rke2-cnpg; accepted: a host name such as 'kasm.example.com'"],
    ['rke2-cnpg', { hostname: 'kasm.example.com', database: { instances: 10 } }, 'database.instances: 10 is not accepted; pass a whole number from 1 to 9'],
    ['rke2-cnpg', { hostname: 'kasm.example.com', backup: { method: 'barman' } }, "backup.method: 'barman' is not one of 'volumeSnapshot', 'plugin'"],
    ['rke2-cnpg', { hostname: 'https://kasm.example.com' }, "hostname: 'https://kasm.example.com' is not a valid host name"],
    ['k3s-prod', { hostname: 'kasm.example.com', scaling: { components: { guac: { minReplicas: 2 } } } }, "scaling.components.guac: {\"minReplicas\":2} is not accepted: 'guac' is not a key here; accepted keys: proxy, api, manager"],
    ['k3s-prod', { hostname: 'kasm.example.com', ingress: { issuerKind: 'Vault' } }, "ingress.issuerKind: 'Vault' is not one of 'Issuer', 'ClusterIssuer'"],
    ['k3s-prod', { hostname: 'kasm.example.com', gitops: { repoUrl: 'ftp://x', path: '../up' } }, "gitops.repoUrl: 'ftp://x' is not accepted; accepted: a Git URL"],
    ['k3s-prod', { hostname: 'kasm.example.com', gitops: { path: '../up' } }, "gitops.path: '../up' is not accepted; accepted: a relative folder without '..'"],
  ] as const)('%s %j', (variant, doc, message) => {
    expect(errorsOf(variant, doc)).toMatch(new RegExp(esc(message)));
  });

  test('every problem is reported at once, under the file name, with a count', () => {
    const message = errorsOf('k3s-dev', { version: 1, namespace: 'Kasm', extra: true, database: { storage: { size: 5 } } }, 'team/values.yaml');
    expect(message.split('\n')[0]).toBe('team/values.yaml has 4 problems for k3s-dev:');
    expect(message.split('\n').slice(1).map((l) => l.split(':').slice(0, 2).join(':').trim()))
      .toEqual(['team/values.yaml: version', 'team/values.yaml: namespace', 'team/values.yaml: extra', 'team/values.yaml: database.storage.size']);
  });
});

describe('errors the charts raise are re-expressed with the values key path', () => {
  const build = (variant: ValuesVariant, text: string) => () => variantFromValues(variant, parseValues(text, 'values.yaml', variant), 'values.yaml').build(Testing.app());
  test.each([
    ['rke2-cnpg', 'hostname: a.example.com\ndatabase:\n  instances: 4\n', /^values\.yaml: database\.instances: 4 is even: .* \(checked by CnpgDatabase in rke2-cnpg\)$/],
    ['rke2-cnpg', 'hostname: a.example.com\ndatabase:\n  namespace: kasm\n', /^values\.yaml: database\.namespace: 'kasm' is the control plane's namespace/],
    ['k3s-prod', 'hostname: a.example.com\nscaling:\n  components:\n    api: {minReplicas: 5, maxReplicas: 2}\n', /^values\.yaml: scaling\.components\.api\.maxReplicas: 2 is below minReplicas \(5\)/],
    ['k3s-prod', 'hostname: a.example.com\nnetwork:\n  egress:\n    - {from: [share], to: {cidrs: [192.0.2.0/24]}, ports: [25]}\n', /^values\.yaml: network\.egress\[0\]\.from\[0\]: 'share' is not a deployed component; accepted: 'proxy'/],
    ['k3s-dev', 'cluster:\n  dnsServiceIp: 10.99.0.10\n', /^values\.yaml: cluster\.dnsServiceIp: '10\.99\.0\.10' is outside every cluster CIDR/],
    ['k3s-dev', 'secrets:\n  credentials:\n    source: sealedSecrets\n    sealedSecrets:\n      encryptedData: {db-password: not-cipher}\n',
      /^values\.yaml: secrets\.credentials\.sealedSecrets\.encryptedData: \["db-password"\] lacks 'admin-password'/],
    ['k3s-dev', 'secrets:\n  tls:\n    source: certManager\n    certManager: {issuerName: ca, duration: 10d, renewBefore: 20d}\n', /^values\.yaml: secrets\.tls\.certManager\.renewBefore: '480h' must be shorter than duration/],
    ['rke2-cnpg', 'hostname: a.example.com\nbackup:\n  method: plugin\n', /^values\.yaml: backup\.objectStoreName: .*(required|plugin)/],
    ['k3s-dev', 'version: 1.19.0\nupgradeFrom: 1.16.0\n', /^values\.yaml: upgradeFrom: '1\.16\.0' cannot be upgraded to Kasm 1\.19\.0 directly; accepted: '1\.18\.1' \(upgrade 1\.16\.0 to 1\.18\.1 first, then to 1\.19\.0\) \(checked by KasmControlPlane in k3s-dev\)$/],
    ['k3s-dev', 'version: 1.18.1\nupgradeFrom: 1.19.0\n', /^values\.yaml: upgradeFrom: '1\.19\.0' is newer than version 1\.18\.1: Kasm does not support downgrades/],
    ['rke2-cnpg', 'hostname: a.example.com\nversion: 1.19.0\nupgradeFrom: 1.19.0\n', /^values\.yaml: upgradeFrom: '1\.19\.0' is the version being deployed: .*Remove upgradeFrom/],
    ['k3s-dev', 'version: 1.18.1\nupgradeFrom: 1.16.0\n', /^values\.yaml: upgradeFrom: '1\.16\.0' cannot be upgraded to Kasm 1\.18\.1 directly; accepted: none/],
    ['k3s-dev', 'version: 1.19.0\nupgradeFrom: 1.18.1\nupgradeBackup: {size: 100Mi}\n', /^values\.yaml: upgradeBackup\.size: '100Mi' is below 1Gi: a Kasm database dump needs room/],
    ['rke2-cnpg', 'hostname: a.example.com\nbackup:\n  schedule: "@daily"\n', /^values\.yaml: backup\.schedule: '@daily' is a macro; CloudNativePG needs the fields/],
  ] as const)('%s %j', (variant, text, message) => {
    expect(build(variant, text)).toThrow(message);
  });

  test.each([
    ['k3s-dev', 'database:\n  storage: {size: 100Mi}\n', 'database.storage.size: \'100Mi\' is below 1Gi, too small for Kasm\'s database; pass e.g. \'10Gi\''],
    ['k3s-prod', 'hostname: a.example.com\nbackup:\n  storage: {size: 100Mi}\n', 'backup.storage.size: \'100Mi\' is below 1Gi; pass e.g. \'20Gi\''],
    ['k3s-dev', 'version: 1.19.0\nupgradeFrom: 1.18.1\nupgradeBackup: {size: 100Mi}\n', 'upgradeBackup.size: \'100Mi\' is below 1Gi: a Kasm database dump needs room; pass e.g. \'20Gi\''],
  ] as const)('%s %j: the hint is spelled as a values file writes it, not in TypeScript', (variant, text, message) => {
    expect(build(variant, text)).toThrow(message);
    expect(build(variant, text)).not.toThrow(/Size\.|Duration\./);
  });
});

describe('KasmConfigError: fields, rendered per caller', () => {
  const error = () => new KasmConfigError({ owner: 'KasmDatabase', prop: 'storage', value: '100Mi', problem: ['is below 1Gi; pass e.g. ', sizeSpelled(10, 'Gi'), ' or ', durationSpelled(30, 'm')] });

  test('a library caller reads the fields and a TypeScript sentence', () => {
    const e = error();
    expect(e.fields).toMatchObject({ owner: 'KasmDatabase', prop: 'storage', value: '100Mi' });
    expect(e.message).toBe('KasmDatabase storage: \'100Mi\' is below 1Gi; pass e.g. Size.gibibytes(10) or Duration.minutes(30)');
  });

  test('a values file reads its key and its own spelling, with the checker named', () => {
    const e = error().inValuesFile('values.yaml', 'database.storage.size', 'k3s-dev');
    expect(e.fields?.spec).toEqual({ file: 'values.yaml', path: 'database.storage.size', variant: 'k3s-dev' });
    expect(e.message).toBe('values.yaml: database.storage.size: \'100Mi\' is below 1Gi; pass e.g. \'10Gi\' or \'30m\' (checked by KasmDatabase in k3s-dev)');
  });

  test('with no key feeding the prop, the prop is named; an error without fields is prefixed with the file', () => {
    expect(error().inValuesFile('values.yaml', undefined, 'k3s-dev').message).toMatch(/^values\.yaml: KasmDatabase storage: '100Mi' is below 1Gi; pass e\.g\. '10Gi'/);
    expect(new KasmConfigError('whole configuration').inValuesFile('v.yaml', 'x', 'k3s-dev').message).toBe('v.yaml: whole configuration');
  });

  test('a huge value is shortened, not echoed whole', () => {
    const e = new KasmConfigError({ owner: 'O', prop: 'p', value: 'x'.repeat(100_000), problem: ['is too long'] });
    expect(e.message.length).toBeLessThan(320);
    expect(e.message).toMatch(/…' \(100000 characters\) is too long$/);
  });
});
