/** The popup: renders the view the background pushes; every button sends a command back. */
import { useEffect, useState } from 'preact/hooks';
import { describeCall, displayCode, partyLabel } from '../shared/describe-call';
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
  // A refused request (a mistyped code, say) is the popup's own to show; the call itself is the background's.
  const [problem, setProblem] = useState<string | null>(null);

  const myCode = view?.myCode;
  useEffect(() => {
    if (myCode) rememberOwnCode(displayCode(myCode));
  }, [myCode]);

  if (!view) return <Starting code={cachedOwnCode()} />;
  const { call, server } = view;
  const { nicknames } = view.history;
  const report = (reply: Reply) => setProblem(reply.ok ? null : reply.message);

  return (
    <CallCommandsContext.Provider value={EXTENSION_COMMANDS}>
    <main>
      <header>
        <img src="/icons/icon-32.png" alt="" width={20} height={20} />
        <h1>{t('extName')}</h1>
        <ServerStatus server={view.server} />
      </header>

      <p role="status" class={`status status-${call.phase}`}>
        {problem ?? (call.phase === 'idle' && !call.outcome && server.status !== 'online' ? describeServer(server) : describeCall(call, nicknames))}
      </p>
      {view.mediaNotice && <p class="notice">{view.mediaNotice}</p>}

      {call.phase === 'idle' && (
        <>
          <OwnCode code={view.myCode} serverUrl={view.serverUrl} onReply={report} />
          <DialForm disabled={view.server.status !== 'online'} onReply={report} />
          <RecentCalls calls={view.history.calls} nicknames={nicknames} canCall={view.server.status === 'online'} onReply={report} />
          <Settings
            serverUrl={view.serverUrl}
            openCallViewOnAccept={view.openCallViewOnAccept}
            previewWhileRinging={view.previewWhileRinging}
            onReply={report}
          />
        </>
      )}
      {call.phase === 'ringing' && (
        <IncomingCall
          callId={call.callId}
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
          <OpenCallView onProblem={setProblem} />
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
