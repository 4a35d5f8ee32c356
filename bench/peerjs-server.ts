/** The PeerJS server (`peer` package) as the baseline, on the port given, with no cap on clients. */
import { PeerServer } from 'peer';

const port = Number(process.argv[2]);
PeerServer({ port, host: '127.0.0.1', path: '/', concurrent_limit: 1_000_000, alive_timeout: 600_000, expire_timeout: 5_000 }, () => {
  console.log('ready');
});
// Exit through Node's own exit path, so a CPU profile asked for with --cpu-prof is written.
process.once('SIGTERM', () => process.exit(0));
