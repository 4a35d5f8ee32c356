/**
 * The call view in the side panel: it stays open while the user browses, so
 * the call stays in sight. Same view from the background and the same call
 * screen as the popup, plus the readings that need room: quality and safety code.
 */
import { useState } from 'preact/hooks';
import { describeCall, displayCode, type PartyLabel, partyLabel } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import { CallScreen } from '../popup/CallScreen';
import { DevicePicker } from '../popup/DevicePicker';
import { EXTENSION_COMMANDS } from '../popup/extension-commands';
import { CallCommandsContext } from '../call-ui/commands';
import { useView } from '../popup/use-background';
import { useCallStreams } from '../popup/use-call-streams';
import { BigPicture } from './BigPicture';
import { QualityReading } from '../call-ui/QualityReading';
import { SafetyCode } from '../call-ui/SafetyCode';
import { useCallReadings } from '../call-ui/use-call-readings';
import { t } from '../shared/wording';

/** Above the code: the nickname the person gave it, or a guest's own name marked as unverified; nothing for a bare code. */
function PeerName({ label }: { label: PartyLabel }) {
  if (label.kind === 'code') return null;
  if (label.kind === 'nickname') return <p class="peer-name">{label.name}</p>;
  return (
    <p class="peer-name">
      {t('guestName', label.name)} <span class="unverified">{t('nameUnverified')}</span>
    </p>
  );
}

export function CallView() {
  const view = useView();
  const [problem, setProblem] = useState<string | null>(null);
  const { streams, owner } = useCallStreams(view ? `${view.call.phase}/${view.share.status}` : 'none');
  const readings = useCallReadings(view?.call.phase === 'active' ? streams : null, owner);

  if (!view) return <main class="loading" aria-busy="true">{t('starting')}</main>;
  const { call } = view;
  const { nicknames } = view.history;
  const report = (reply: Reply) => setProblem(reply.ok ? null : reply.message);
  const inCall = call.phase === 'calling' || call.phase === 'connecting' || call.phase === 'active';

  return (
    <CallCommandsContext.Provider value={EXTENSION_COMMANDS}>
    <main>
      <header>
        <img src="/icons/icon-32.png" alt="" width={20} height={20} />
        <h1>{t('callViewTitle')}</h1>
      </header>
      {inCall && <PeerName label={partyLabel(call, nicknames)} />}
      {inCall && <p class="peer-code" aria-label={t('otherPartyCode')}>{displayCode(call.peer)}</p>}
      <p role="status" class={`status status-${call.phase}`}>{problem ?? describeCall(call, nicknames)}</p>
      {view.mediaNotice && <p class="notice">{view.mediaNotice}</p>}
      {inCall && <CallScreen call={call} share={view.share} nicknames={nicknames} onReply={report} />}
      {call.phase === 'active' && (
        <>
          <BigPicture onProblem={setProblem} />
          <QualityReading quality={readings.quality} />
          <SafetyCode code={readings.safetyCode} />
        </>
      )}
      {/* Below the readings: chosen once in a while, not watched. */}
      {inCall && <DevicePicker devices={view.devices} onReply={report} />}
      {call.phase === 'idle' && <p class="hint">{t('callViewIdle')}</p>}
    </main>
    </CallCommandsContext.Provider>
  );
}
