// autocannon ships no types; the benchmark uses only what tools/bench/measure.ts calls.
declare module 'autocannon' {
  interface Result {
    requests: { total: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  function autocannon(opts: Record<string, unknown>): Promise<Result>;
  export default autocannon;
}
