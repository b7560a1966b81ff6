/**
 * Jest with ts-jest in transpile-only mode (fast); `npm test` runs `tsc --noEmit` first, so types are still checked.
 * (Jest 29 and ts-jest, not Jest 30 and @swc/jest: their native optional packages are not all on the registry this
 * project installs from, which breaks `npm ci`.)
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
