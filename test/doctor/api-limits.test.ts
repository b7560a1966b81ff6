/** The longest inputs we accept still yield names, labels, ports and quantities the API server accepts. */
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { KasmVersion } from '../../lib';
import { MAX_INSTANCE_NAME_LENGTH } from '../../lib/core/validation';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { apiLimitProblems } from '../../lib/doctor/api-limits';
import { validateManifests } from '../../lib/doctor/schema-validator';

const LONGEST_NAME = `k${'x'.repeat(MAX_INSTANCE_NAME_LENGTH - 2)}k`;
const LONGEST_NAMESPACE = `n${'s'.repeat(61)}n`;
const LONG_HOST = `${'h'.repeat(63)}.${'d'.repeat(63)}.example.com`;

describe.each([KasmVersion.V1_18_1, KasmVersion.V1_16_0].map((v) => [v.version, v] as const))('Kasm %s at the limits', (_v, version) => {
  const chart = new K3sDev(Testing.app(), 'x', {
    version, name: LONGEST_NAME, namespace: LONGEST_NAMESPACE, hostname: LONG_HOST, alternativeHostnames: ['kasm.lan'],
  });

  test('every object is within the API server\'s limits (the doctor agrees)', () => {
    expect(runDoctor(chart).filter((f) => f.rule === 'api-limits')).toEqual([]);
  });

  test('and schema-valid', () => {
    expect(validateManifests(Testing.synth(chart))).toEqual([]);
  });
});

test('one character more is refused at the prop, not at the API server', () => {
  expect(() => new K3sDev(Testing.app(), 'x', { name: `${LONGEST_NAME}x` })).toThrow(/name: 'k.*x' is too long/);
});

describe('the rule catches what the schemas do not', () => {
  test('a Job name the job-name label cannot hold', () => {
    expect(apiLimitProblems({ kind: 'Job', metadata: { name: 'j'.repeat(64) }, spec: {} })).toEqual([
      `metadata.name '${'j'.repeat(64)}' has 64 characters; Job names are limited to 63 (the Job controller copies the name into the \`job-name\` label of its pods)`,
    ]);
  });

  test('a label value, a port name, a port and a quantity out of bounds, in the order the object holds them', () => {
    const problems = apiLimitProblems({
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'v'.repeat(64) } },
      spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'c', ports: [{ name: 'much-too-long-port', containerPort: 70000 }], resources: { limits: { memory: '1 Gi' } } }] } } },
    });
    expect(problems).toEqual([
      `metadata.labels['app'] = "${'v'.repeat(64)}" is not a valid label value (at most 63 characters)`,
      'spec.template.spec.containers[0].ports[0].name \'much-too-long-port\' is not an IANA service name (at most 15 characters)',
      'spec.template.spec.containers[0].ports[0].containerPort = 70000 is not a port (1 to 65535)',
      'spec.template.spec.containers[0].resources.limits.memory = "1 Gi" is not a quantity',
    ]);
  });

  test('a patched object in a real chart is reported with its construct path', () => {
    const chart = new K3sDev(Testing.app(), 'x');
    (chart.controlPlane.node.findChild('api').node.findChild('Service') as ApiObject).addJsonPatch(JsonPatch.replace('/metadata/name', '1-api'));
    expect(runDoctor(chart).filter((f) => f.rule === 'api-limits').map((f) => [f.path, f.problem])).toEqual([
      ['x/ControlPlane/api/Service', 'Service \'1-api\': metadata.name \'1-api\' has 5 characters; Service names are limited to 63 (a Service name is a DNS-1035 label)'],
    ]);
  });
});
