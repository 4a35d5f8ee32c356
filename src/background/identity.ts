/**
 * This install's identity: an ECDSA key pair whose private half cannot be
 * exported, kept in IndexedDB (which stores CryptoKey objects as they are).
 * The call code is derived from the public half, so it survives browser
 * restarts and changes only when the user asks for a new code.
 */
import { codeFromPublicKey, generateIdentity, type Identity } from '../shared/call-code';

const DB_NAME = 'peerdial';
const STORE = 'identity';
const RECORD = 'current';

interface StoredIdentity {
  keyPair: CryptoKeyPair;
  publicKeyRaw: Uint8Array;
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('Could not open the identity store.'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('The identity store refused a request.'));
    });
  } finally {
    db.close();
  }
}

async function createAndStore(): Promise<Identity> {
  const { keyPair, publicKeyRaw, code } = await generateIdentity();
  await withStore('readwrite', (store) => store.put({ keyPair, publicKeyRaw } satisfies StoredIdentity, RECORD));
  return { privateKey: keyPair.privateKey, publicKeyRaw, code };
}

export async function loadIdentity(): Promise<Identity> {
  const stored = await withStore<StoredIdentity | undefined>('readonly', (store) => store.get(RECORD) as IDBRequest<StoredIdentity | undefined>);
  if (!stored) return createAndStore();
  return {
    privateKey: stored.keyPair.privateKey,
    publicKeyRaw: stored.publicKeyRaw,
    code: await codeFromPublicKey(stored.publicKeyRaw),
  };
}

/** "New code": the old key is overwritten, so the old code can never be registered again by anyone. */
export function replaceIdentity(): Promise<Identity> {
  return createAndStore();
}
