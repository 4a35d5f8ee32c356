/**
 * The guest page: who they are about to call, their name and camera, Call;
 * then the call itself with what the popup has (pictures, mute, camera, hang
 * up, screen share, chat, files, the safety code and the quality reading).
 */
import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import { type CallCode, parseCallCode } from '../shared/call-code';
import { describeCall, displayCode } from '../shared/describe-call';
import type { InvitedCode } from '../shared/invite-link';
import { GuestName, MAX_GUEST_NAME } from '../shared/protocol';
import type { Reply } from '../shared/runtime-messages';
import { describeShare, type ShareState } from '../shared/share-state';
import { t } from '../shared/wording';
import { CallControls } from '../call-ui/CallControls';
import { CallStage, type InCall } from '../call-ui/CallStage';
import { Chat } from '../call-ui/Chat';
import { CodeInput } from '../call-ui/CodeInput';
import { CallCommandsContext, useCommandSender } from '../call-ui/commands';
import { Files } from '../call-ui/Files';
import { QualityReading } from '../call-ui/QualityReading';
import { ReceivedFileType } from '../call-ui/ReceivedFileType';
import { SafetyCode } from '../call-ui/SafetyCode';
import { StreamVideo } from '../call-ui/StreamVideo';
import { useCallReadings } from '../call-ui/use-call-readings';
import { useCameraPreview } from './camera-preview';
import type { GuestPhone, GuestView, ReceivedLink } from './guest-phone';
import { IDLE } from '../shared/call-state';
import { NOT_SHARING } from '../shared/share-state';
import { canShareScreen } from './screen-capture';

type Report = (reply: Reply) => void;

/** `phone` is null while the page's telephone starts: the page is drawn at once, its Call button waiting for the server. */
export function GuestApp({ phone, invited }: { phone: GuestPhone | null; invited: InvitedCode }) {
  // A refused request (a mistyped code, a name it cannot take) is the page's own to show; the call's state is the phone's.
  const [problem, setProblem] = useState<string | null>(null);
  // Kept above the form, which goes while a call lasts: a second call keeps the name given for the first.
  const name = useState('');
  const report: Report = (reply) => setProblem(reply.ok ? null : reply.message);
  const view = phone?.view() ?? null;
  const { call, share, mediaNotice } = view?.record ?? { call: IDLE, share: NOT_SHARING, mediaNotice: null };
  const server = view?.server ?? { status: 'connecting' };
  const online = server.status === 'online';
  const inCall = call.phase === 'calling' || call.phase === 'connecting' || call.phase === 'active';
  useLeaveWarning(call.phase !== 'idle');
  const status =
    problem ?? (call.phase === 'idle' && !call.outcome && !online ? (server.status === 'offline' ? server.message : t('serverConnecting')) : describeCall(call));

  return (
    <CallCommandsContext.Provider value={phone?.commands ?? null}>
      <header>
        <h1>{invited.kind === 'code' ? t('guestCalling', displayCode(invited.code)) : t('guestPageTitle')}</h1>
      </header>
      <p role="status" class={`status status-${call.phase}`}>
        {status}
      </p>
      {mediaNotice && <p class="notice">{mediaNotice}</p>}
      {call.phase === 'idle' && <BeforeCall phone={phone} invited={invited} online={online} name={name} onReply={report} />}
      {phone && view && call.phase === 'ringing' && <Ringing who={call.peer} onReply={report} />}
      {phone && view && inCall && <CallScreen phone={phone} call={call} share={share} chatAndFiles={view.chatAndFiles} onReply={report} />}
      {view && view.received.length > 0 && <ReceivedFiles files={view.received} />}
      <footer>
        {view && <p class="hint">{t('guestOwnCode', displayCode(view.myCode))}</p>}
        <p class="hint">{t('guestGetPeerDial')}</p>
      </footer>
    </CallCommandsContext.Provider>
  );
}

/** Closing or reloading the tab ends the call: while one is on, the browser asks first. */
function useLeaveWarning(inCall: boolean): void {
  useEffect(() => {
    if (!inCall) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [inCall]);
}

interface BeforeCallProps {
  phone: GuestPhone | null;
  invited: InvitedCode;
  online: boolean;
  name: [string, (name: string) => void];
  onReply: Report;
}

function BeforeCall({ phone, invited, online, name: [name, setName], onReply }: BeforeCallProps) {
  const [typed, setTyped] = useState('');
  const preview = useCameraPreview(true);

  async function call(event: Event) {
    event.preventDefault();
    if (!phone) return;
    const code: CallCode | null = invited.kind === 'code' ? invited.code : parseCallCode(typed);
    if (!code) return onReply({ ok: false, message: t('dialBadCode') });
    let given: string | undefined;
    if (name.trim() !== '') {
      const parsed = v.safeParse(GuestName, name);
      if (!parsed.success) return onReply({ ok: false, message: t('guestNameInvalid', MAX_GUEST_NAME) });
      given = parsed.output;
    }
    onReply(await phone.dial(code, given));
  }

  return (
    <form class="before-call" onSubmit={(event) => void call(event)}>
      {invited.kind === 'code' && <p>{t('guestIntro', displayCode(invited.code))}</p>}
      {invited.kind === 'malformed' && <p role="alert">{t('guestMalformedCode', invited.text)}</p>}
      {invited.kind === 'none' && <p>{t('guestNoCode')}</p>}
      {invited.kind !== 'code' && (
        <>
          <label for="call-code">{t('callCode')}</label>
          <CodeInput id="call-code" value={typed} onInput={setTyped} />
        </>
      )}
      <label for="guest-name">{t('guestYourName')}</label>
      <input
        id="guest-name"
        value={name}
        onInput={(event) => setName(event.currentTarget.value)}
        autocomplete="name"
        aria-describedby="guest-name-hint"
        autoFocus={invited.kind === 'code'}
      />
      <small id="guest-name-hint">{t('guestNameHint')}</small>
      <div class="preview">
        <StreamVideo stream={preview.status === 'on' ? preview.stream : null} label={t('guestCameraPreview')} className="self" />
      </div>
      {preview.status === 'blocked' && <p class="notice">{t('guestCameraBlocked')}</p>}
      <button type="submit" class="primary" disabled={!online}>
        {t('call')}
      </button>
    </form>
  );
}

function Ringing({ who, onReply }: { who: string; onReply: Report }) {
  const send = useCommandSender(onReply);
  return (
    <section class="ringing" aria-label={t('guestCallIncoming', displayCode(who))}>
      <p>{t('guestCallIncoming', displayCode(who))}</p>
      <div class="row">
        <button type="button" class="primary" onClick={() => send({ type: 'accept' })}>
          {t('accept')}
        </button>
        <button type="button" class="danger" onClick={() => send({ type: 'decline' })}>
          {t('decline')}
        </button>
      </div>
    </section>
  );
}

interface CallScreenProps {
  phone: GuestPhone;
  call: InCall;
  share: ShareState;
  chatAndFiles: GuestView['chatAndFiles'];
  onReply: Report;
}

function CallScreen({ phone, call, share, chatAndFiles, onReply }: CallScreenProps) {
  const send = useCommandSender(onReply);
  const active = call.phase === 'active';
  const readings = useCallReadings(active ? phone.streams : null, window);
  const sharing = share.status === 'on' || share.status === 'starting';
  const shareWords = describeShare(share) ?? share.problem;

  return (
    <section class="call">
      <CallStage call={call} streams={phone.streams} />
      <CallControls call={call} onReply={onReply}>
        {active && canShareScreen() && (
          <button type="button" onClick={() => send(sharing ? { type: 'stop-share' } : { type: 'share-screen' })}>
            {sharing ? t('stopSharing') : t('shareScreen')}
          </button>
        )}
      </CallControls>
      {shareWords && <p class="hint">{shareWords}</p>}
      {active && (
        <>
          <div class="readings">
            <SafetyCode code={readings.safetyCode} />
            <QualityReading quality={readings.quality} />
          </div>
          <Files transfers={chatAndFiles.transfers} savedTo="page" onReply={onReply} />
          <Chat messages={chatAndFiles.messages} onReply={onReply} />
        </>
      )}
    </section>
  );
}

function ReceivedFiles({ files }: { files: ReceivedLink[] }) {
  return (
    <section class="received" aria-label={t('guestReceivedFiles')}>
      <h2>{t('guestReceivedFiles')}</h2>
      <ul>
        {files.map((file) => (
          <li key={file.id}>
            <a href={file.url} download={file.name}>
              {t('guestSaveFile', file.name)}
            </a>{' '}
            <ReceivedFileType name={file.name} />
          </li>
        ))}
      </ul>
    </section>
  );
}
