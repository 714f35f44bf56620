import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeEvent, topicName } from '@shagym/contracts';

/** Organization → region, kept in memory from the directory topic (for region filters). */
export class DirectoryCache {
  private readonly regions = new Map<string, string>();
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topicPrefix: string,
  ) {}

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `gateway-directory-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topicName('directory', this.topicPrefix), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const decoded = decodeEvent(message.value);
        if (decoded.ok && decoded.event.type === 'organization.upserted') this.regions.set(decoded.event.data.organizationId, decoded.event.data.region);
      },
    });
  }

  regionOf(organizationId: string | null): string | null {
    return organizationId ? (this.regions.get(organizationId) ?? null) : null;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
