import { readPoint, type SlotList } from '@shagym/service-kit';

/**
 * Whether `itemId` is in `list`: one point read of the mark `<list>#<itemId>` that
 * SlotList#append writes after the item's slot (service-kit slots.ts). Used to ask "is this
 * message in this recipient's inbox / already read" without reading the list.
 * (A `SlotList#has` in service-kit would make this local helper unnecessary.)
 */
export async function slotOf(list: SlotList<unknown>, name: string, itemId: string): Promise<number | null> {
  const mark = await readPoint<{ _id: string; n?: number }>(list.model, `${name}#${itemId}`);
  return mark?.n ?? null;
}

