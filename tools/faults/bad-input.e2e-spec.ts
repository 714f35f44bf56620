import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { createTestIssuer, gqlOk, isolatedEnv, ProcessStack, type TestIssuer } from '@shagym/testing';
import { corpus, type BadCase } from './corpus';
import { post } from './load';

/**
 * A bad-input corpus for every mutation of the composed API (generated from the schema the
 * gateway serves): missing, wrong type, too long, wrong checksum, injection strings, huge
 * lists — each sent as a citizen and as an official holding every staff role. Every answer
 * must be a coded GraphQL answer: no 5xx, no INTERNAL_SERVER_ERROR, no crashed process.
 */
const CODED = /^[A-Z][A-Z_]+$/;

/** The code a subgraph gave, when the gateway wrapped its non-2xx answer (extensions.response.body). */
function subgraphCode(extensions: Record<string, any> | undefined): string | undefined {
  const body = extensions?.response?.body;
  const parsed = typeof body === 'string' ? (() => { try { return JSON.parse(body); } catch { return undefined; } })() : body;
  return parsed?.errors?.[0]?.extensions?.code;
}

describe('bad input to every mutation', () => {
  const iso = isolatedEnv('badinput');
  const stack = new ProcessStack(iso);
  let gateway: string;
  let issuer: TestIssuer;
  let cases: BadCase[] = [];

  beforeAll(async () => {
    await iso.createTopics();
    issuer = await createTestIssuer();
    ({ gatewayUrl: gateway } = await stack.startAll({ AUTH_JWKS_FILE: issuer.jwksFile, RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST: '100000' }));
    const official = await issuer.bearer({ sub: 'off-all', roles: ['OPERATOR'], org: 'org-psc-aktau', off: 'off-aktau-op' });
    cases = corpus(buildClientSchema(await gqlOk(gateway, getIntrospectionQuery(), {}, official)));
  }, 240_000);

  afterAll(async () => {
    await stack.stopAll();
    await iso.cleanup();
  });

  it('covers every mutation of the API with every kind of bad input', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    expect(new Set(cases.map((c) => c.mutation)).size).toBeGreaterThanOrEqual(10);
    for (const k of ['missing arguments', 'wrong types', 'too long', 'wrong checksum', 'injection 1', 'huge lists']) expect(kinds).toContain(k);
  });

  it('answers every case with a coded answer, never a 5xx or an uncoded error, and no process dies', async () => {
    const callers = [
      { who: 'citizen', auth: await issuer.bearer({ sub: 'citizen-900101300017', roles: ['CITIZEN'], iin: '900101300017' }) },
      { who: 'staff', auth: await issuer.bearer({ sub: 'off-aktau-head', roles: ['OPERATOR', 'HEAD', 'EXECUTOR', 'SUPERVISOR'], org: 'org-psc-aktau', off: 'off-aktau-head' }) },
    ];
    const bad: string[] = [];
    const known: string[] = [];
    const codes = new Map<string, number>();
    // Mutations side by side, each one's cases in turn: this corpus is about bad input, not
    // about concurrent writes to one record (those belong to the services' own tests).
    const work = cases.flatMap((c) => callers.map((caller) => ({ c, ...caller })));
    const groups = new Map<string, typeof work>();
    for (const w of work) groups.set(w.c.mutation, [...(groups.get(w.c.mutation) ?? []), w]);
    const byMutation = [...groups.values()];
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < byMutation.length) {
          for (const { c, who, auth } of byMutation[next++]!) {
            const res = await post(gateway, c.query, c.variables, auth, 30_000);
            const label = `${c.mutation} / ${c.kind} / ${who}`;
            if (res.error || res.status >= 500 || !res.body) {
              bad.push(`${label}: ${res.status} ${res.error ?? ''}`);
              continue;
            }
            for (const e of res.body.errors ?? []) {
              const code = e.extensions?.code as string | undefined;
              codes.set(code ?? '(none)', (codes.get(code ?? '(none)') ?? 0) + 1);
              const upstream = subgraphCode(e.extensions);
              if (code === 'INTERNAL_SERVER_ERROR' && upstream && CODED.test(upstream) && upstream !== 'INTERNAL_SERVER_ERROR') {
                known.push(`${label}: subgraph answered ${e.message} with ${upstream}`);
              } else if (!code || !CODED.test(code) || code === 'INTERNAL_SERVER_ERROR') {
                bad.push(`${label}: ${code} ${e.message.slice(0, 200)} ${JSON.stringify(e.extensions?.response ?? '').slice(0, 300)}`);
              }
            }
            if (!res.body.errors?.length && res.body.data == null) bad.push(`${label}: neither data nor errors`);
          }
        }
      }),
    );
    process.stdout.write(`\n[bad-input] ${work.length} requests over ${new Set(cases.map((c) => c.mutation)).size} mutations; codes ${JSON.stringify(Object.fromEntries(codes))}\n`);
    // A subgraph's coded refusal (HTTP 400 from a scalar rejecting a variable) must reach the
    // client with its code: the gateway passes it on (CodedErrorsDataSource).
    bad.push(...known);
    expect(bad).toEqual([]);
    for (const [name, proc] of stack.procs) {
      expect([name, proc.child.exitCode]).toEqual([name, null]);
      expect([name, (await fetch(proc.url.replace('/graphql', '/health'))).status]).toEqual([name, 200]);
    }
  }, 600_000);
});
