/**
 * Where a received file goes while it arrives: the origin-private file system
 * (OPFS), on disk, so a file of several GB never sits in memory, and the
 * finished file is a disk-backed File the downloads API can copy from. A
 * worker writes it (opfs-writer.ts); where no worker can open the file, an
 * OPFS writable from this page does. A cancelled or damaged transfer's file is
 * removed either way.
 */
import type { ReceivedFiles } from '../call/chat-and-files';
import type { ReceivedFile } from '../call/file-receiver';
import type { WriterReply, WriterRequest } from './opfs-writer';

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
  if (!folder || !handle) return keptInMemory(id);
  const inWorker = await writtenByWorker(folder, handle, id);
  if (inWorker) return inWorker;
  if (typeof handle.createWritable !== 'function') return keptInMemory(id);
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

/** The file written by a worker of its own, or null where a worker cannot open it (no sync access handles there). */
async function writtenByWorker(folder: FileSystemDirectoryHandle, handle: FileSystemFileHandle, id: string): Promise<ReceivedFile | null> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./opfs-writer.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
  // The worker answers each request in order. Once it has failed, nothing more is asked of it: no answer would come.
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let stopped: Error | null = null;
  worker.onmessage = ({ data }: MessageEvent<WriterReply>) => {
    const next = waiting.shift();
    if (data.ok) next?.resolve();
    else next?.reject(new Error(data.error));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    stopped = new Error(event.message || 'The file writer stopped.');
    for (const next of waiting.splice(0)) next.reject(stopped);
  };
  const ask = (request: WriterRequest, transfer: Transferable[] = []) =>
    new Promise<void>((resolve, reject) => {
      if (stopped) return reject(stopped);
      waiting.push({ resolve, reject });
      worker.postMessage(request, transfer);
    });
  try {
    await ask({ type: 'open', file: handle });
  } catch {
    worker.terminate();
    return null;
  }
  let open = true;
  const close = async () => {
    if (!open) return;
    open = false;
    try {
      await ask({ type: 'close' });
    } finally {
      worker.terminate();
    }
  };
  return {
    // Moved to the worker, not copied again: the bytes themselves when they are a whole buffer of their own (the
    // receiver's blocks are), otherwise a copy of them.
    write(bytes) {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
      return ask({ type: 'write', bytes: own }, [own.buffer]);
    },
    async finish() {
      await close();
      return handle.getFile();
    },
    async discard() {
      await close().catch(() => undefined);
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

/**
 * A web page's way to keep received files (the guest page): a page cannot
 * write to Downloads, so a verified file stays in the private file system
 * for as long as the page is open, and `keep` offers it as a link. Once
 * finished it is never discarded: the person may save it after the call.
 */
export function receivedFilesKept(keep: (file: { id: string; url: string; name: string }) => void): ReceivedFiles {
  return {
    async create(id) {
      const file = await createReceivedFile(id);
      let finished = false;
      return {
        write: file.write,
        finish() {
          finished = true;
          return file.finish();
        },
        discard: () => (finished ? Promise.resolve() : file.discard()),
      };
    },
    save(id, file, name) {
      keep({ id, url: URL.createObjectURL(file), name });
      // The link lives as long as the page.
      return () => {};
    },
  };
}
