/**
 * Where a received file goes while it arrives: the extension's origin-private
 * file system (OPFS), on disk, so a file of several GB never sits in memory.
 * An OPFS writable writes to a scratch copy and only replaces the file on
 * close(), so a cancelled or damaged transfer leaves nothing behind, and the
 * finished file is a disk-backed File the downloads API can copy from.
 */
import type { ReceivedFiles } from '../call/chat-and-files';
import type { ReceivedFile } from '../call/file-receiver';

const DIRECTORY = 'received';

async function directory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIRECTORY, { create: true });
}

export async function createReceivedFile(id: string): Promise<ReceivedFile> {
  const folder = await directory();
  const handle = await folder.getFileHandle(id, { create: true });
  const writable = await handle.createWritable();
  let open = true;
  return {
    write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
    async finish() {
      open = false;
      await writable.close();
      return handle.getFile();
    },
    async discard() {
      if (open) {
        open = false;
        await writable.abort().catch(() => undefined);
      }
      await folder.removeEntry(id).catch(() => undefined);
    },
  };
}

/** Files left by a call that ended before they were saved (the document was closed mid-transfer). */
export async function clearReceivedFiles(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(DIRECTORY, { recursive: true }).catch(() => undefined);
}

/** The extension's way to keep received files: on disk here, saved by the worker's downloads API from an object URL. */
export function receivedFilesOnDisk(save: (file: { id: string; url: string; name: string }) => void): ReceivedFiles {
  return {
    create: createReceivedFile,
    save(id, file, name) {
      const url = URL.createObjectURL(file);
      save({ id, url, name });
      return () => URL.revokeObjectURL(url);
    },
  };
}
