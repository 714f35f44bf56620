// One jest run for the whole workspace: unit specs beside the code (*.spec.ts) and
// integration/e2e specs (*.int-spec.ts, *.e2e-spec.ts) against the real Kafka and FerretDB
// that the global setup starts (tools/infra).
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.graphql$': '<rootDir>/tools/jest/graphql-transform.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json', 'graphql', 'cjs', 'mjs'],
  moduleNameMapper: {
    '^@shagym/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@shagym/service-kit$': '<rootDir>/libs/service-kit/src/index.ts',
    '^@shagym/testing$': '<rootDir>/libs/testing/src/index.ts',
  },
  globalSetup: '<rootDir>/tools/jest/global-setup.cjs',
  globalTeardown: '<rootDir>/tools/jest/global-teardown.cjs',
  testTimeout: 120_000,
  maxWorkers: 2,
};
