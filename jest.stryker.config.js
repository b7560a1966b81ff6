/**
 * Jest for `npm run mutate` only: the tests that exercise the security core, so Stryker's dry run and each mutant's
 * run fit on 2 cores (the full suite spends most of its time in child processes that mutants never reach).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/security/{network-peer,network-policies,egress,security,security-flows,sources,properties}*.test.ts',
    '<rootDir>/test/doctor/{network-policy,pod-security,app-doctor}*.test.ts',
    '<rootDir>/test/database/database-elsewhere.test.ts',
    '<rootDir>/test/cluster/profile.test.ts',
  ],
};
