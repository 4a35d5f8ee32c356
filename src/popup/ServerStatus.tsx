import type { ServerLink } from '../shared/runtime-messages';

const LABELS: Record<ServerLink['status'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
};

export function ServerStatus({ server }: { server: ServerLink }) {
  const detail = server.status === 'offline' ? server.message : LABELS[server.status];
  return (
    <span class={`server server-${server.status}`} title={detail} aria-label={`Server: ${detail}`}>
      <span class="dot" aria-hidden="true" />
      {LABELS[server.status]}
    </span>
  );
}
