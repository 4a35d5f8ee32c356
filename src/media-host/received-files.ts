/**
 * Where a received file goes while it arrives: the origin-private file system
 * (OPFS), on disk, so a file of several GB never sits in memory.
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
  // Where the browser has no writable private file system (a private window, an older Safari), the file is kept
  // in memory instead: a call still receives files, only not one larger than memory allows.
  const folder = await directory().catch(() => null);
  const handle = folder ? await folder.getFileHandle(id, { create: true }).catch(() => null) : null;
  if (!folder || !handle || typeof handle.createWritable !== 'function') return keptInMemory(id);
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

function keptInMemory(id: string): ReceivedFile {
  let parts: Uint8Array<ArrayBuffer>[] = [];
  return {
    // A copy: the receiver may reuse the buffer it hands over.
    write: async (bytes) => void parts.push(new Uint8Array(bytes)),
    finish: async () => new File(parts, id),
    discard: async () => void (parts = []),
  };
}

/** Files left by a call that ended before they were saved (the document was closed mid-transfer). */
export async function clearReceivedFiles(): Promise<void> {
  const root = await navigator.storage?.getDirectory().catch(() => null);
  await root?.removeEntry(DIRECTORY, { recursive: true }).catch(() => undefined);
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
