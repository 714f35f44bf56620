import { RequestLoaders } from './loaders';

describe('RequestLoaders (request-scoped DataLoader)', () => {
  it('batches the keys of one tick into one call and reads each key once', async () => {
    const loaders = new RequestLoaders();
    const calls: string[][] = [];
    const batch = async (keys: readonly string[]) => {
      calls.push([...keys]);
      return keys.map((k) => `value of ${k}`);
    };
    const values = await Promise.all(['a', 'b', 'a', 'c'].map((k) => loaders.loader('things', batch).load(k)));
    expect(values).toEqual(['value of a', 'value of b', 'value of a', 'value of c']);
    expect(calls).toEqual([['a', 'b', 'c']]);
    await loaders.loader('things', batch).load('a');
    expect(calls).toHaveLength(1); // cached for the rest of the request
  });

  it('load() keeps a failing key to itself', async () => {
    const loaders = new RequestLoaders();
    const one = async (k: string) => {
      if (k === 'bad') throw new Error('no such thing');
      return k.toUpperCase();
    };
    const [ok, bad] = await Promise.allSettled([loaders.load('x', 'good', one), loaders.load('x', 'bad', one)]);
    expect(ok).toEqual({ status: 'fulfilled', value: 'GOOD' });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('no such thing') });
  });

  it('a new request reads afresh', async () => {
    let reads = 0;
    const one = async (k: string) => `${k}${++reads}`;
    expect(await new RequestLoaders().load('x', 'k', one)).toBe('k1');
    expect(await new RequestLoaders().load('x', 'k', one)).toBe('k2');
  });
});
