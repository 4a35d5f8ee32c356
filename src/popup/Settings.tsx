import { useState } from 'preact/hooks';
import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';
import { t } from '../shared/i18n';

export function Settings({ serverUrl, onReply }: { serverUrl: string; onReply(reply: Reply): void }) {
  const [url, setUrl] = useState(serverUrl);

  async function save(event: Event) {
    event.preventDefault();
    onReply(await sendCommand({ type: 'set-server-url', url }));
  }

  return (
    <details class="settings">
      <summary>{t('settings')}</summary>
      <form onSubmit={save}>
        <label for="server-url">{t('serverUrl')}</label>
        <div class="row">
          <input id="server-url" type="url" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />
          <button type="submit">{t('save')}</button>
        </div>
      </form>
    </details>
  );
}
