import { defineConfig } from 'vitest/config';
import { sha256Wasm } from './scripts/sha256-wasm';

/** Pure server modules: no socket, no Redis, no child process. Every other server test starts the real server. */
const PURE_SERVER_TESTS = ['server/client-address.test.ts', 'server/config.test.ts', 'server/connection-budget.test.ts', 'server/early-offer.test.ts', 'server/logger.test.ts', 'server/own-origin.test.ts', 'server/redis/connection.test.ts', 'server/stun-message.test.ts', 'server/wire/packets.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        // The file hash's WebAssembly (src/call/sha256.ts), as the builds ship it.
        plugins: [sha256Wasm()],
        test: {
          // Runs right after `npm install`: no browser, no coturn, no Redis, no listening socket.
          name: 'unit',
          include: ['src/**/*.test.ts', ...PURE_SERVER_TESTS],
          // Chrome's i18n over the real English catalog, for modules that word things.
          setupFiles: ['test/unit/i18n-setup.ts'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          // The real server on a real socket, with real Redis, coturn and server processes where a test needs them.
          name: 'integration',
          include: ['server/**/*.test.ts'],
          exclude: PURE_SERVER_TESTS,
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Each file drives two Chromium processes; on two cores they must take turns.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
