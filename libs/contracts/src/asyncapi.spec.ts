import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { EVENT_CATALOG } from './catalog';

describe('published event contract (AsyncAPI)', () => {
  const doc = asyncApiDocument() as { channels: Record<string, { messages: Record<string, unknown> }>; components: { messages: Record<string, { name: string }> } };

  it('describes every event of the catalog on its topic', () => {
    expect(Object.values(doc.components.messages).map((m) => m.name).sort()).toEqual(Object.keys(EVENT_CATALOG).sort());
    expect(Object.keys(doc.channels.complaints!.messages)).toContain('complaintRegistered');
  });

  it('is committed as generated (run `npm run asyncapi` if not)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
