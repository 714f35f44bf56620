import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentStore } from '../domain/attachment-store';

/** Attachment content in a folder: `<dir>/<ab>/<sha256>`, written atomically (temp + rename). */
export class FolderAttachmentStore implements AttachmentStore {
  constructor(private readonly dir: string) {}

  private path(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(sha256: string, content: Buffer): Promise<boolean> {
    if (createHash('sha256').update(content).digest('hex') !== sha256) return false;
    const target = this.path(sha256);
    if (await this.has(sha256)) return true;
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, target);
    return true;
  }

  async has(sha256: string): Promise<boolean> {
    return access(this.path(sha256)).then(
      () => true,
      () => false,
    );
  }

  async get(sha256: string): Promise<Buffer | null> {
    return readFile(this.path(sha256)).catch(() => null);
  }
}
