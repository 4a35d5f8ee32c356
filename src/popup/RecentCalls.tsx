/**
 * "Recent calls": who called whom, when, for how long, missed ones marked
 * (those that rang while you were in another call too); one click calls back,
 * a code can be given a nickname that shows wherever that code would, and a
 * code can be blocked (or unblocked) from here.
 */
import { useEffect, useState } from 'preact/hooks';
import { entryKey, type HistoryEntry, NICKNAME_INPUT_LIMIT } from '../shared/call-history';
import { displayCode, type Nicknames } from '../shared/describe-call';
import { describeHistoryEntry } from './describe-history';
import { t } from '../shared/wording';
import type { Reply } from '../shared/runtime-messages';
import { BlockButton } from './BlockButton';
import { sendCommand } from './use-background';

interface Props {
  calls: HistoryEntry[];
  nicknames: Nicknames;
  /** Codes whose rings find you offline: their entries offer Unblock instead of Block. */
  blocked: readonly string[];
  /** No calling back while the server is out of reach. */
  canCall: boolean;
  onReply: (reply: Reply) => void;
}

/**
 * True from the frame after the popup first painted: the list is up to
 * HISTORY_LIMIT entries, and the own code and the dial box must not wait for it.
 */
function usePainted(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    // requestAnimationFrame runs just before the paint; the timeout after it lands past the paint.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  return painted;
}

export function RecentCalls({ calls, nicknames, blocked, canCall, onReply }: Props) {
  // The one entry whose code is being named, if any (a code may have several entries; one form is enough).
  const [naming, setNaming] = useState<string | null>(null);
  const painted = usePainted();
  if (calls.length === 0 || !painted) return null;
  const now = Date.now();

  async function clear() {
    if (confirm(t('clearHistoryConfirm'))) onReply(await sendCommand({ type: 'clear-history' }));
  }

  return (
    <section class="recent" aria-labelledby="recent-calls">
      <div class="row">
        <h2 id="recent-calls">{t('recentCalls')}</h2>
        <button type="button" class="quiet" onClick={() => void clear()}>
          {t('clearHistory')}
        </button>
      </div>
      <ul aria-labelledby="recent-calls">
        {calls.map((entry) => {
          const { name, guest, summary, when } = describeHistoryEntry(entry, nicknames, now);
          const key = entryKey(entry);
          return (
            <li key={key} class={entry.missed || entry.failed ? 'missed' : undefined}>
              <div class="who">
                <strong>
                  <span aria-hidden="true" class="arrow">
                    {entry.missed || entry.failed ? '✕ ' : entry.direction === 'outgoing' ? '↗ ' : '↙ '}
                  </span>
                  {guest ? guest.name : name}
                </strong>
                {guest && <span class="unverified">{guest.unverified}</span>}
                <span class="summary">{summary}</span>
                <time dateTime={new Date(entry.at).toISOString()}>{when}</time>
              </div>
              <div class="row actions">
                <button type="button" disabled={!canCall} aria-label={t('callBackName', name)} onClick={() => void sendCommand({ type: 'dial', code: entry.peer }).then(onReply)}>
                  {t('callBack')}
                </button>
                <button type="button" class="quiet" aria-label={t('setNicknameFor', displayCode(entry.peer))} onClick={() => setNaming(naming === key ? null : key)}>
                  {t('nickname')}
                </button>
                <BlockButton code={entry.peer} name={name} blocked={blocked.includes(entry.peer)} onReply={onReply} />
              </div>
              {naming === key && (
                <NicknameForm
                  code={entry.peer}
                  current={nicknames[entry.peer] ?? ''}
                  onDone={(reply) => {
                    onReply(reply);
                    if (reply.ok) setNaming(null);
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function NicknameForm({ code, current, onDone }: { code: string; current: string; onDone: (reply: Reply) => void }) {
  const [name, setName] = useState(current);
  const id = `nickname-${code}`;
  async function save(event: Event) {
    event.preventDefault();
    onDone(await sendCommand({ type: 'set-nickname', code, name }));
  }
  return (
    <form class="nickname" onSubmit={(event) => void save(event)}>
      <label for={id}>{t('nicknameFor', displayCode(code))}</label>
      <div class="row">
        <input id={id} value={name} onInput={(event) => setName(event.currentTarget.value)} placeholder={t('nicknamePlaceholder')} maxLength={NICKNAME_INPUT_LIMIT} autoFocus />
        <button type="submit">{t('saveNickname')}</button>
      </div>
    </form>
  );
}
