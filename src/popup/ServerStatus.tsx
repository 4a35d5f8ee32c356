import { type MessageKey, t } from '../shared/wording';
import type { ServerLink } from '../shared/runtime-messages';

const LABELS: Record<ServerLink['status'], MessageKey> = {
  online: 'serverOnline',
  connecting: 'serverStatusConnecting',
  offline: 'serverOffline',
};

export function ServerStatus({ server }: { server: ServerLink }) {
  const label = t(LABELS[server.status]);
  const detail = server.status === 'offline' ? server.message : label;
  return (
    <span class={`server server-${server.status}`} title={detail} aria-label={t('serverLabel', detail)}>
      <span class="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
