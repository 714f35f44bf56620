import type { Model } from 'mongoose';
import { isDuplicateKey } from '@shagym/service-kit';

/** Inserts once: true when written, false when a document with that _id already exists. */
export async function insertOnce<T>(model: Model<T>, doc: T & { _id: string }): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
