import { useState } from 'preact/hooks';
import { type Nicknames, peerName } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import { parseServerUrl } from '../shared/server-url';
import { BlockButton } from './BlockButton';
import { commandSender } from './use-background';
import { t } from '../shared/wording';

function Setting({ label, checked, onChange }: { label: string; checked: boolean; onChange: (on: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.currentTarget.checked)} />
      {label}
    </label>
  );
}

interface Props {
  serverUrl: string;
  /** Codes whose rings find you offline, each with its Unblock: the one place to find them once the history is cleared. */
  blocked: readonly string[];
  nicknames: Nicknames;
  openCallViewOnAccept: boolean;
  previewWhileRinging: boolean;
  onReply: (reply: Reply) => void;
}

export function Settings({ serverUrl, blocked, nicknames, openCallViewOnAccept, previewWhileRinging, onReply }: Props) {
  const [url, setUrl] = useState(serverUrl);
  // Said next to the field it is about; the server in use stays as it was.
  const [refusal, setRefusal] = useState<string | null>(null);

  const send = commandSender(onReply);
  const sendUrl = commandSender((reply) => {
    setRefusal(reply.ok ? null : reply.message);
    if (reply.ok) onReply(reply);
  });

  function save(event: Event) {
    event.preventDefault();
    sendUrl({ type: 'set-server-url', url });
  }

  // An address saved before plain http:// to another machine was refused is still in use: said where it shows
  // without opening Settings, not dropped behind the person's back.
  const saved = parseServerUrl(serverUrl);

  return (
    <>
      {!saved.ok && <p class="notice">{saved.message}</p>}
      <details class="settings">
        <summary>{t('settings')}</summary>
        <form onSubmit={save}>
          <label for="server-url">{t('serverUrl')}</label>
          <div class="row">
            <input
              id="server-url"
              type="url"
              value={url}
              aria-invalid={refusal !== null}
              aria-describedby={refusal === null ? undefined : 'server-url-refusal'}
              onInput={(event) => setUrl(event.currentTarget.value)}
            />
            <button type="submit">{t('save')}</button>
          </div>
          {refusal !== null && (
            <p id="server-url-refusal" class="field-problem" role="alert">
              {refusal}
            </p>
          )}
        </form>
        <Setting label={t('settingOpenCallView')} checked={openCallViewOnAccept} onChange={(on) => send({ type: 'set-open-call-view', on })} />
        <Setting
          label={t('settingPreviewWhileRinging')}
          checked={previewWhileRinging}
          onChange={(on) => send({ type: 'set-preview-while-ringing', on })}
        />
        {blocked.length > 0 && (
          <section class="blocked" aria-labelledby="blocked-codes">
            <h3 id="blocked-codes">{t('blockedHeading')}</h3>
            <ul aria-labelledby="blocked-codes">
              {blocked.map((code) => {
                const name = peerName({ peer: code }, nicknames);
                return (
                  <li key={code} class="row">
                    <span>{name}</span>
                    <BlockButton code={code} name={name} blocked onReply={onReply} />
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </details>
    </>
  );
}
