import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryIntent, ExternalChannel } from '../domain/messages';

/** What one attempt came to: a permanent failure is given up at once, others are retried. */
export interface SendResult {
  ok: boolean;
  permanent: boolean;
  error?: string;
}

export interface ChannelAdapter {
  readonly channel: ExternalChannel;
  send(intent: DeliveryIntent): Promise<SendResult>;
  close?(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  timeoutMs: number;
}

/** E-mail over SMTP (nodemailer). A 5xx reply is permanent (bad mailbox); others are retried. */
export class SmtpChannel implements ChannelAdapter {
  readonly channel = 'EMAIL' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
  }

  async send(intent: DeliveryIntent): Promise<SendResult> {
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: intent.to,
        subject: intent.subject,
        text: intent.text,
        headers: { 'X-Shagym-Delivery': intent.id, 'X-Shagym-Complaint': intent.complaintId },
      });
      return { ok: true, permanent: false };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      return { ok: false, permanent: code !== undefined && code >= 500 && code < 600, error: describe(err) };
    }
  }

  close(): void {
    this.transport.close();
  }
}

export interface SmsSettings {
  url: string;
  token?: string;
  sender: string;
  timeoutMs: number;
}

/**
 * SMS through an HTTP gateway: POST JSON { to, text, sender, reference } (reference = the
 * delivery id, so that the gateway can drop a retried duplicate), bearer token if set.
 * 2xx: accepted; 4xx other than 408/429: rejected for good; anything else is retried.
 */
export class SmsGatewayChannel implements ChannelAdapter {
  readonly channel = 'SMS' as const;

  constructor(private readonly settings: SmsSettings) {}

  async send(intent: DeliveryIntent): Promise<SendResult> {
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}),
        },
        body: JSON.stringify({ to: intent.to, text: intent.text, sender: this.settings.sender, reference: intent.id }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const body = (await res.text()).slice(0, 300);
      if (res.ok) return { ok: true, permanent: false };
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      return { ok: false, permanent, error: `gateway answered ${res.status}${body ? `: ${body}` : ''}` };
    } catch (err) {
      return { ok: false, permanent: false, error: describe(err) };
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return `${code ? `${code}: ` : ''}${err.message}`.slice(0, 500);
}
