/**
 * Jest with ts-jest transpiling each file on its own (`isolatedModules` in tsconfig.json), which is fast; `npm test` runs `tsc --noEmit` first, so types are still checked.
 * (Jest 29 and ts-jest, not Jest 30 and @swc/jest: their native optional packages are not all on the registry this
 * project installs from, which breaks `npm ci`.)
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
