/**
 * Where attachment content lives (scans of paper complaints, evidence). Content-addressed by
 * SHA-256, so storing the same file twice is harmless and a stored file cannot be swapped.
 * Shipped: a folder on disk; GridFS or an object store plug in behind the same interface.
 */
export interface AttachmentStore {
  /** Stores the bytes if they hash to `sha256`; false when they do not. */
  put(sha256: string, content: Buffer): Promise<boolean>;
  has(sha256: string): Promise<boolean>;
  get(sha256: string): Promise<Buffer | null>;
}
