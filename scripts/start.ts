/**
 * `npm start`: build the extension and the guest page, say where to load the
 * extension from, then run the
 * signaling server in the foreground (Ctrl+C stops it).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');

await build({ root: ROOT, logLevel: 'warn' });
// The guest page the server serves under /call/, for invite links.
await build({ configFile: join(ROOT, 'vite.guest.config.ts'), logLevel: 'warn' });
console.log(`
Built the extension into ${join(ROOT, 'dist')}
Load it in Chromium or Chrome: open chrome://extensions, turn on Developer mode,
press "Load unpacked" and pick that folder. Then click the PeerDial icon.
`);

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
