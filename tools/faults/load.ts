import { randomBytes } from 'node:crypto';
import { portalSubmission, type TestIssuer } from '@shagym/testing';

export const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { complaint { id } } }`;

export interface PostResult {
  status: number;
  body?: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
  error?: string;
}

/** One GraphQL POST with a timeout; network failures come back as `error`, never thrown. */
export async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>, timeoutMs = 15_000): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, error: `non-JSON: ${text.slice(0, 200)}` };
    }
  } catch (err) {
    return { status: 0, error: (err as Error).message };
  }
}

export interface Submission {
  key: string;
  organizationId: string;
  /** Milliseconds since the epoch when first sent and when acknowledged. */
  sentAt: number;
  ackedAt?: number;
  complaintId?: string;
  attempts: number;
}

/**
 * A steady stream of portal complaints through the gateway, as a careful client sends them:
 * each with its own idempotency key, retried with the same key until the gateway
 * acknowledges it (a crash between storing and answering must not make a second complaint).
 */
export class SteadyLoad {
  readonly submissions: Submission[] = [];
  /** Keys that were acknowledged with two different complaint ids. */
  readonly conflicting: string[] = [];
  /** Answers that were coded refusals (a bug under load): never retried, kept for the report. */
  readonly refused: Array<{ key: string; code?: string; message: string }> = [];
  failedAttempts = 0;
  /** Ticks of start() skipped because `maxInFlight` submissions were still unanswered. */
  skippedTicks = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private giveUpAt = Infinity;
  private readonly run = randomBytes(4).toString('hex');

  constructor(
    private readonly gatewayUrl: string,
    private readonly issuer: TestIssuer,
    private readonly organizations: string[],
    /** A client's patience: at most this many unanswered submissions at once (bounded load). */
    private readonly maxInFlight = 16,
  ) {}

  /** Starts sending `perSecond` new complaints a second until stop(). */
  start(perSecond: number): void {
    this.timer = setInterval(() => {
      if (this.inFlight.size >= this.maxInFlight) this.skippedTicks++;
      else this.launch();
    }, Math.max(1, Math.round(1000 / perSecond)));
  }

  /** Sends `count` complaints with at most `concurrency` in flight; resolves when all are acknowledged. */
  async burst(count: number, concurrency: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          next++;
          await this.submit(this.submissions.length);
        }
      }),
    );
  }

  private launch(): void {
    const p = this.submit(this.submissions.length).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Stops sending new ones, then waits for the ones sent to be acknowledged (or `graceMs` to pass). */
  async stop(graceMs = 180_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.giveUpAt = Date.now() + graceMs;
    await Promise.all([...this.inFlight]);
  }

  get acknowledged(): Submission[] {
    return this.submissions.filter((s) => s.complaintId);
  }

  private async submit(n: number): Promise<void> {
    const organizationId = this.organizations[n % this.organizations.length]!;
    const key = `load-${this.run}-${n}`;
    const s: Submission = { key, organizationId, sentAt: Date.now(), attempts: 0 };
    this.submissions.push(s);
    const input = portalSubmission({ idempotencyKey: key, addresseeOrganizationId: organizationId });
    const iin = input.complainant.individual.iin;
    const auth = await this.issuer.bearer({ sub: `citizen-${iin}`, roles: ['CITIZEN'], iin });
    while (Date.now() < this.giveUpAt) {
      s.attempts++;
      const res = await post(this.gatewayUrl, SUBMIT, { input }, auth);
      const id = res.body?.data?.submitComplaint?.complaint?.id as string | undefined;
      if (id) {
        if (s.complaintId && s.complaintId !== id) this.conflicting.push(key);
        s.complaintId ??= id;
        s.ackedAt ??= Date.now();
        return;
      }
      this.failedAttempts++;
      const code = res.body?.errors?.[0]?.extensions?.code as string | undefined;
      if (code === 'BAD_USER_INPUT' || code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') {
        this.refused.push({ key, code, message: res.body?.errors?.[0]?.message ?? '' });
        return;
      }
      // Exponential back-off with jitter, as a client should while the system recovers.
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(s.attempts, 5)) * (0.5 + Math.random())));
    }
  }
}
