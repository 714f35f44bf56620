// Starts the real infrastructure (unless KAFKA_BROKERS / MONGO_URL point elsewhere). The
// end-to-end tests bundle the apps they run themselves (libs/testing ProcessStack).
module.exports = async () => {
  const infra = await import('../infra/infra.mjs');
  const result = await infra.up();
  process.env.KAFKA_BROKERS = result.kafkaBrokers;
  process.env.MONGO_URL = result.mongoUrl;
  process.env.SHAGYM_TEST_INFRA_STARTED = JSON.stringify(result.started);
  console.log(`\n[test] infra ready (kafka ${result.kafkaBrokers}, mongo ${result.mongoUrl})`);
};
