// Stops what the global setup started; leaves alone infrastructure that was already running.
module.exports = async () => {
  const started = JSON.parse(process.env.SHAGYM_TEST_INFRA_STARTED ?? '{}');
  if (started.kafka || started.mongo) {
    const infra = await import('../infra/infra.mjs');
    await infra.down({ kafka: started.kafka, mongo: started.mongo });
  }
};
