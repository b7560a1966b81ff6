/**
 * Jest with ts-jest transpiling each file on its own (`isolatedModules` in tsconfig.json), which is fast; `npm test` runs `tsc --noEmit` alongside (scripts/test.js), so types are still checked.
 * (Jest 29 and ts-jest, not Jest 30 and @swc/jest: their native optional packages are not all on the registry this
 * project installs from, which breaks `npm ci`.)
 */
const os = require('os');

module.exports = {
  testEnvironment: 'node',
  // At least two workers (jest's default is one less than the cores, so one on 2 cores): the slowest files mostly wait
  // on child processes (npm pack and install, typedoc, openssl), which the second worker overlaps with the rest.
  maxWorkers: Math.max(2, os.cpus().length - 1),
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
