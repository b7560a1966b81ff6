/**
 * Jest for `npm run mutate` only: the tests of the security core that build what they check inside each test, so
 * Stryker runs only the covering tests per mutant (work done at describe time is "static" and reruns every test).
 *
 * Every mutant reloads each selected test file (Stryker filters tests by name, not by file), so a run on one file is
 * far faster with only that file's tests: set MUTATE_FILE to the mutated file (scripts/mutate.js does when given one
 * `--mutate` file) and only the tests in TESTS_OF[file] run. Fewer tests can only kill fewer mutants, so a score
 * measured that way is a lower bound of the score with every test.
 */
const base = require('./jest.config');

const ALL = [
  'security/{network-peer,network-policies-unit,egress,egress-rules,security,security-flows,sources}',
  'security/properties-cidr',
  'doctor/{network-policy-model,network-policy-properties,network-policy-parse,network-policy-verdicts,pod-security,pod-security-edges,app-doctor}',
  'security/{secret-generator,generator-plan,generator-der,generator-names,generator-x509,generator-plan-rules}',
];

/** The tests that exercise each mutated file (paths under test/, without `.test.ts`). */
const TESTS_OF = {
  // Unit tests only where the other tests reach a file through whole charts (minutes per mutant on 2 shared cores).
  'lib/security/network-peer.ts': ['security/{network-peer,properties-cidr}'],
  'lib/security/egress.ts': ['security/egress-rules'],
  'lib/security/network-policies.ts': ['security/network-policies-unit'],
  'lib/security/security-flows.ts': ['security/security-flows'],
  'lib/security/sources.ts': ['security/sources'],
  'lib/doctor/network-policy-parse.ts': ['doctor/{network-policy-model,network-policy-properties,network-policy-parse}'],
  'lib/doctor/network-policy-model.ts': ['doctor/{network-policy-model,network-policy-properties,network-policy-verdicts}'],
  'lib/doctor/pod-security.ts': ['doctor/{pod-security,pod-security-edges}'],
  // The generator's modules by their own unit tests only: secret-generator.test.ts also covers them, but through RSA key
  // generation in nearly every test, which makes a per-file run take hours on 2 cores (the full run still includes it).
  'lib/security/generator/der.ts': ['security/generator-der'],
  'lib/security/generator/names.ts': ['security/generator-names'],
  'lib/security/generator/plan.ts': ['security/{generator-plan-rules,generator-plan}'],
  'lib/security/generator/x509.ts': ['security/generator-x509'],
  'lib/security/generator/x509-read.ts': ['security/generator-x509'],
};

const file = process.env.MUTATE_FILE;
if (file !== undefined && TESTS_OF[file] === undefined) throw new Error(`MUTATE_FILE=${file}: no tests listed for it in jest.stryker.config.js`);

module.exports = {
  ...base,
  testMatch: (file === undefined ? ALL : TESTS_OF[file]).map((t) => `<rootDir>/test/${t}.test.ts`),
};
