/**
 * Values files as people actually write them: YAML numbers for quantities, files saved by Windows PowerShell or in
 * Latin-1, aliases that would expand without bound, keys named like Object.prototype's, huge keys, deep nesting.
 * Each answer is a KasmConfigError naming the file (and key) with what to do, or accepted values; never a TypeError,
 * a "null byte" or a hang.
 */
import Ajv from 'ajv';
import { KasmConfigError } from '../../lib/core/config-error';
import { decodeValuesFile, parseValues, valuesJsonSchema } from '../../cli/values/values-file';
import { variantFromValues } from '../../cli/values/variant';
import { Testing } from 'cdk8s';

const errorOf = (run: () => unknown): KasmConfigError => {
  try { run(); } catch (err) {
    if (err instanceof KasmConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
};

describe('quantities as YAML numbers', () => {
  const text = 'nodes:\n  - count: 2\n    cpu: 8\n    memory: 8589934592\n  - count: 1\n    cpu: 0.5\n    memory: 4Gi\n';

  test('cpu: 8 and memory in bytes are read as the quantities \'8\' and \'8589934592\'', () => {
    const values = parseValues(text, 'v.yaml', 'k3s-dev');
    expect(values.nodes).toEqual([{ count: 2, cpu: '8', memory: '8589934592' }, { count: 1, cpu: '0.5', memory: '4Gi' }]);
    // and the chart takes them
    const app = Testing.app();
    variantFromValues('k3s-dev', values, 'v.yaml').build(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('the JSON Schema accepts the same numbers and refuses a negative one', () => {
    const ajv = new Ajv({ strict: true });
    const schema = valuesJsonSchema();
    ajv.addSchema(schema);
    const check = ajv.getSchema(`${schema.$id}#/definitions/k3s-dev`)!;
    expect(check({ nodes: [{ count: 2, cpu: 8, memory: 8589934592 }] })).toBe(true);
    expect(check({ nodes: [{ count: 2, cpu: -1, memory: '8Gi' }] })).toBe(false);
  });

  test('a negative number is refused with the key', () => {
    expect(errorOf(() => parseValues('nodes: [{count: 1, cpu: -2, memory: 4Gi}]\n', 'v.yaml', 'k3s-dev')).message)
      .toMatch(/v\.yaml: nodes\[0\]\.cpu: -2 is not accepted; accepted: a CPU quantity/);
  });
});

describe('encodings', () => {
  const yamlText = 'namespace: kasm\n';

  test.each([
    ['UTF-16 LE with a byte-order mark (PowerShell 5 \'>\')', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yamlText, 'utf16le')])],
    ['UTF-16 LE without one', Buffer.from(yamlText, 'utf16le')],
    ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(yamlText, 'utf16le').swap16()])],
  ])('%s: "save it as UTF-8"', (_name, bytes) => {
    const err = errorOf(() => decodeValuesFile(bytes, 'my.yaml'));
    expect(err.message).toMatch(/^my\.yaml is UTF-16 .*save it as UTF-8/);
    expect(err.message).not.toMatch(/null byte/);
  });

  test('Latin-1 text is refused with its line, not copied into manifests as replacement characters', () => {
    const bytes = Buffer.concat([Buffer.from('namespace: kasm\nhostname: '), Buffer.from([0x6b, 0xe4, 0x73, 0x6d]), Buffer.from('.local\n')]);
    expect(errorOf(() => decodeValuesFile(bytes, 'v.yaml')).message).toBe('v.yaml:2: is not UTF-8 text (another encoding, e.g. Latin-1?); save the file as UTF-8');
  });

  test('a UTF-8 byte-order mark is dropped', () => {
    const text = decodeValuesFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(yamlText)]), 'v.yaml');
    expect(parseValues(text, 'v.yaml', 'k3s-dev')).toEqual({ namespace: 'kasm' });
  });
});

describe('YAML that would expand or recurse without bound', () => {
  test('a billion-laughs file is refused in well under a second', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('namespace: *a9');
    const started = Date.now();
    const err = errorOf(() => parseValues(`${lines.join('\n')}\n`, 'lol.yaml', 'k3s-dev'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err.message).toMatch(/^lol\.yaml: .*: repeats a mapping or list through a YAML alias \(\*name\); values files take no aliases/);
  });

  test('a scalar alias is harmless and checked like any value', () => {
    expect(parseValues('namespace: &ns kasm\ngitops: {argoNamespace: *ns}\n', 'v.yaml', 'k3s-dev')).toEqual({ namespace: 'kasm', gitops: { argoNamespace: 'kasm' } });
  });

  test('nesting too deep for the parser is a values error, not a stack overflow', () => {
    const err = errorOf(() => parseValues(`namespace: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, 'deep.yaml', 'k3s-dev'));
    expect(err.message).toMatch(/^deep\.yaml:1:\d+: nesting exceeded maxDepth/);
  });
});

describe('keys that are not data', () => {
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is an unknown key, at the top and inside a mapping', (key) => {
    const top = errorOf(() => parseValues(`${key}: {a: 1}\n`, 'v.yaml', 'k3s-dev'));
    expect(top.message).toMatch(new RegExp(`v\\.yaml: ${key}: \\{"a":1\\} is not accepted: '${key}' is not a key here`));
    const inner = errorOf(() => parseValues(`database:\n  ${key}: 1\n`, 'v.yaml', 'k3s-dev'));
    expect(inner.message).toMatch(new RegExp(`v\\.yaml: database\\.${key}: 1 is not accepted`));
  });

  test('a huge key and a huge value are shortened in the message', () => {
    const key = 'k'.repeat(100_000);
    const err = errorOf(() => parseValues(`${key}: ${'v'.repeat(100_000)}\nnamespace: ${'n'.repeat(100_000)}\n`, 'v.yaml', 'k3s-dev'));
    expect(err.message.length).toBeLessThan(2000);
    expect(err.message).toMatch(/has 2 problems/);
  });
});
