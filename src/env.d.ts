/** Set at build time from PEERDIAL_SERVER_URL (vite.config.ts). */
declare const __DEFAULT_SERVER_URL__: string;

/** The SHA-256 WebAssembly file's URL (scripts/sha256-wasm.ts): the built asset, or a data: URL in tests. */
declare module 'virtual:sha256-wasm' {
  export const sha256WasmUrl: string;
}
