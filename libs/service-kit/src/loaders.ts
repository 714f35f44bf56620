import DataLoader from 'dataloader';

/**
 * Request-scoped batching (DataLoader), one per request and per kind of load. A query over
 * 50 complaints asks each subgraph for its part of 50 entities: the loader collects the keys
 * of one tick, runs one batch (concurrent point reads by `_id`, architecture.md) and hands
 * the same promise to every field that asks for the same key, so nothing is read twice in
 * one request. Scoped to the request: a later request reads afresh.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  /** The request's loader named `name`; `batch` is used the first time it is asked for. */
  loader<V>(name: string, batch: (keys: readonly string[]) => Promise<readonly (V | Error)[]>): DataLoader<string, V> {
    let loader = this.loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 200 });
      this.loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** Loads one key through the named loader, where each key's value comes from `one`. */
  load<V>(name: string, key: string, one: (key: string) => Promise<V>): Promise<V> {
    return this.loader<V>(name, (keys) => Promise.all(keys.map((k) => one(k).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))))).load(key);
  }
}
