/** The popup: renders the view the background pushes; every button sends a command back. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeCall, displayCode, partyLabel, peerName } from '../shared/describe-call';
import type { Reply, ServerLink } from '../shared/runtime-messages';
import { cachedOwnCode, rememberOwnCode } from './cached-code';
import { CallScreen } from './CallScreen';
import { Chat } from '../call-ui/Chat';
import { CallCommandsContext } from '../call-ui/commands';
import { DevicePicker } from './DevicePicker';
import { DialForm } from './DialForm';
import { Files } from '../call-ui/Files';
import { IncomingCall } from './IncomingCall';
import { OpenCallView } from './OpenCallView';
import { OwnCode } from './OwnCode';
import { RecentCalls } from './RecentCalls';
import { ServerStatus } from './ServerStatus';
import { Settings } from './Settings';
import { Starting } from './Starting';
import { EXTENSION_COMMANDS } from './extension-commands';
import { useView } from './use-background';
import { t } from '../shared/wording';

function describeServer(server: Exclude<ServerLink, { status: 'online' }>): string {
  return server.status === 'offline' ? server.message : t('serverConnecting');
}

export function App() {
  const view = useView();
  // What the worker said of a request is the popup's own to show; the call itself is the background's. A refusal (a
  // mistyped code) stays until the next reply; a confirmation ("Blocked …") only while the call is in the phase it
  // was said in, so a call ringing afterwards is not hidden behind it.
  const [said, setSaid] = useState<{ text: string; phase?: string } | null>(null);
  const phase = useRef<string | undefined>(undefined);
  phase.current = view?.call.phase;
  useEffect(() => {
    if (said?.phase !== undefined && said.phase !== phase.current) setSaid(null);
  }, [view?.call.phase, said]);

  const myCode = view?.myCode;
  useEffect(() => {
    if (myCode) rememberOwnCode(displayCode(myCode));
  }, [myCode]);

  if (!view) return <Starting code={cachedOwnCode()} />;
  const { call, server } = view;
  const { nicknames } = view.history;
  const report = (reply: Reply) => setSaid(reply.message === undefined ? null : { text: reply.message, ...(reply.ok && { phase: phase.current }) });
  // Until the effect above has run: not for a moment over a call that has moved on.
  const saying = said && (said.phase === undefined || said.phase === call.phase) ? said.text : null;

  return (
    <CallCommandsContext.Provider value={EXTENSION_COMMANDS}>
    <main>
      <header>
        <img src="/icons/icon-32.png" alt="" width={20} height={20} />
        <h1>{t('extName')}</h1>
        <ServerStatus server={view.server} />
      </header>

      <p role="status" class={`status status-${call.phase}`}>
        {saying ?? (call.phase === 'idle' && !call.outcome && server.status !== 'online' ? describeServer(server) : describeCall(call, nicknames))}
      </p>
      {view.mediaNotice && <p class="notice">{view.mediaNotice}</p>}

      {call.phase === 'idle' && (
        <>
          <OwnCode code={view.myCode} serverUrl={view.serverUrl} onReply={report} />
          <DialForm disabled={view.server.status !== 'online'} onReply={report} />
          <RecentCalls calls={view.history.calls} nicknames={nicknames} blocked={view.blocked} canCall={view.server.status === 'online'} onReply={report} />
          <Settings
            serverUrl={view.serverUrl}
            blocked={view.blocked}
            nicknames={nicknames}
            openCallViewOnAccept={view.openCallViewOnAccept}
            previewWhileRinging={view.previewWhileRinging}
            onReply={report}
          />
        </>
      )}
      {call.phase === 'ringing' && (
        <IncomingCall
          callId={call.callId}
          peer={call.peer}
          name={peerName(call, nicknames)}
          guestNamed={partyLabel(call, nicknames).kind === 'guest'}
          openViewOnAccept={view.openCallViewOnAccept}
          preview={view.previewWhileRinging}
          previewing={view.previewing}
          onReply={report}
        />
      )}
      {(call.phase === 'calling' || call.phase === 'connecting' || call.phase === 'active') && (
        <>
          <CallScreen call={call} share={view.share} nicknames={nicknames} onReply={report} />
          <OpenCallView onProblem={(text) => setSaid({ text })} />
          {/* Folded: the popup is small, and the call view has them open. */}
          <details class="device-settings" open={view.devices.notice !== null}>
            <summary>{t('devicesHeading')}</summary>
            <DevicePicker devices={view.devices} onReply={report} />
          </details>
        </>
      )}
      {call.phase === 'active' && (
        <>
          <Files transfers={view.chatAndFiles.transfers} onReply={report} />
          <Chat messages={view.chatAndFiles.messages} onReply={report} />
        </>
      )}
    </main>
    </CallCommandsContext.Provider>
  );
}
