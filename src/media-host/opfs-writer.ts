/**
 * A dedicated worker that writes one received file into the origin-private
 * file system through a sync access handle, which only a worker may open. Its
 * writes go straight to the file from this process; a writable opened by the
 * page sends each write to the browser process as a blob to copy into a
 * scratch file, and copies that again on close. `npm run bench:transfer`
 * (bench/README.md, "File transfer") measures what this saves.
 *
 * One reply per request, in order: `{ ok: true }` or `{ ok: false, error }`. A
 * write's buffer goes back with its reply, to be collected with the page's
 * garbage: left here, in a worker that allocates nothing else, it waited for a
 * collection (a 200 MB transfer's receiver peaked 93 MB above its start with
 * them kept here, 41 MB with them sent back).
 */

/** What this worker uses of a FileSystemSyncAccessHandle (TypeScript declares it for workers only). */
interface SyncAccessHandle {
  write: (buffer: Uint8Array, options: { at: number }) => number;
  truncate: (size: number) => void;
  flush: () => void;
  close: () => void;
}

/** `open` takes the page's handle of the file (handles cross to a worker as they are): nothing is looked up twice. */
export type WriterRequest = { type: 'open'; file: FileSystemFileHandle } | { type: 'write'; bytes: Uint8Array } | { type: 'close' };
export type WriterReply = { ok: true; bytes?: Uint8Array } | { ok: false; error: string };

let access: SyncAccessHandle | null = null;
let at = 0;

async function handle(request: WriterRequest): Promise<Uint8Array | undefined> {
  if (request.type === 'open') {
    access = await (request.file as unknown as { createSyncAccessHandle: () => Promise<SyncAccessHandle> }).createSyncAccessHandle();
    // Whatever an earlier try under this id left behind does not count.
    access.truncate(0);
    at = 0;
    return undefined;
  }
  if (request.type === 'write') {
    if (!access) throw new Error('The file is not open.');
    const wrote = access.write(request.bytes, { at });
    if (wrote !== request.bytes.length) throw new Error(`Only ${wrote} of ${request.bytes.length} bytes were written: the disk may be full.`);
    at += wrote;
    return request.bytes;
  }
  access?.flush();
  access?.close();
  access = null;
  return undefined;
}

onmessage = ({ data }: MessageEvent<WriterRequest>) => {
  handle(data).then(
    (bytes) => postMessage({ ok: true, bytes } satisfies WriterReply, { transfer: bytes ? [bytes.buffer] : [] }),
    (error: unknown) => postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies WriterReply),
  );
};
