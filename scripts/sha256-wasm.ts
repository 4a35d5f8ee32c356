/**
 * A Vite plugin that ships hash-wasm's SHA-256 (MIT) as a WebAssembly file of
 * its own, fetched the first time a file is sent or received, instead of the
 * base64 copy hash-wasm's JavaScript embeds: a guest who never sends a file
 * never downloads it, the binary is smaller than its base64, and the guest
 * page's JavaScript stays within its 60 KB budget. `virtual:sha256-wasm` gives
 * its URL: the built file, or (tests, the dev server) a data: URL.
 *
 * hash-wasm publishes the binary only inside its bundle, so it is read from
 * there and checked against a known digest before anything is built with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { incrementalHash, type Sha256Exports } from '../src/call/sha256-module';

const ID = 'virtual:sha256-wasm';
const RESOLVED = `\0${ID}`;

export function sha256Wasm(): Plugin {
  let building = false;
  return {
    name: 'peerdial-sha256-wasm',
    configResolved(config) {
      building = config.command === 'build';
    },
    resolveId: (source) => (source === ID ? RESOLVED : null),
    async load(id) {
      if (id !== RESOLVED) return null;
      const binary = await checkedBinary();
      if (!building) return `export const sha256WasmUrl = ${JSON.stringify(`data:application/wasm;base64,${binary.toString('base64')}`)};`;
      const file = this.emitFile({ type: 'asset', name: 'sha256.wasm', source: binary });
      return `export const sha256WasmUrl = import.meta.ROLLUP_FILE_URL_${file};`;
    },
  };
}

async function checkedBinary(): Promise<Buffer> {
  const root = dirname(createRequire(import.meta.url).resolve('hash-wasm/package.json'));
  const bundle = readFileSync(join(root, 'dist/index.esm.js'), 'utf8');
  const found = /var name(\$\w+) = "sha256";\s*var data\1 = "([A-Za-z0-9+/=]+)";/.exec(bundle);
  if (!found) throw new Error('hash-wasm no longer bundles its SHA-256 where scripts/sha256-wasm.ts looks: update the plugin.');
  const binary = Buffer.from(found[2]!, 'base64');
  const sample = Buffer.from('PeerDial checks its SHA-256 module at build time');
  const { instance } = await WebAssembly.instantiate(binary, {});
  // Through the code that drives it at run time, so a module it no longer fits stops the build.
  const hash = incrementalHash(instance.exports as unknown as Sha256Exports);
  hash.update(sample);
  if (hash.hex() !== createHash('sha256').update(sample).digest('hex')) throw new Error("hash-wasm's SHA-256 module no longer works as src/call/sha256-module.ts drives it: update it.");
  return binary;
}
