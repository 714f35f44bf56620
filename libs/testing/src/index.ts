export * from './env';
export * from './wait';
export * from './graphql-client';
export * from './kafka';
export * from './fixtures';
export * from './stack';
export * from './events';
export * from './in-process';
