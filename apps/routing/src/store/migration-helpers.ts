/**
 * Runs `work` over the items, one group (e.g. one complaint's list) in order, several groups at
 * once. A group's own list is written in order; a list shared by groups (an official's
 * opened/closed workload) relies on SlotList taking its slots safely under concurrent appends.
 */
export async function forEachGroup<T>(items: T[], keyOf: (t: T) => string, work: (t: T) => Promise<void>, concurrency = 8): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const queue = [...groups.values()];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) for (const item of group) await work(item);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
