/**
 * Jest for `npm run mutate` only: the tests of the security core that build what they check inside each test, so
 * Stryker runs only the covering tests per mutant (work done at describe time is "static" and reruns every test).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/security/{network-peer,network-policies-unit,egress,egress-rules,security,security-flows,sources}.test.ts',
    '<rootDir>/test/security/properties-cidr.test.ts',
    '<rootDir>/test/doctor/{network-policy-model,network-policy-properties,pod-security,app-doctor}.test.ts',
    '<rootDir>/test/security/{secret-generator,generator-plan,generator-der,generator-names,generator-x509,generator-plan-rules}.test.ts',
  ],
};
