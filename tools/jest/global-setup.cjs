// Starts the real infrastructure (unless KAFKA_BROKERS / MONGO_URL point elsewhere) and
// bundles the apps that the end-to-end tests run as separate processes.
module.exports = async () => {
  const infra = await import('../infra/infra.mjs');
  const result = await infra.up();
  process.env.KAFKA_BROKERS = result.kafkaBrokers;
  process.env.MONGO_URL = result.mongoUrl;
  process.env.SHAGYM_TEST_INFRA_STARTED = JSON.stringify(result.started);
  const { bundle } = await import('../build/bundle.mjs');
  const ms = await bundle();
  console.log(`\n[test] infra ready (kafka ${result.kafkaBrokers}, mongo ${result.mongoUrl}); apps bundled in ${ms} ms`);
};
