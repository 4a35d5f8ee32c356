/** A call in progress in the popup: its pictures and controls, and sharing a tab or the screen. */
import type { Nicknames } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import type { ShareState } from '../shared/share-state';
import { CallControls } from '../call-ui/CallControls';
import { CallStage, type InCall } from '../call-ui/CallStage';
import { ShareControls } from './ShareControls';
import { useCallStreams } from './use-call-streams';

interface Props {
  call: InCall;
  share: ShareState;
  nicknames: Nicknames;
  onReply: (reply: Reply) => void;
}

export function CallScreen({ call, share, nicknames, onReply }: Props) {
  const { streams, version } = useCallStreams(`${call.phase}/${share.status}`);
  return (
    <section class="call" data-streams={version}>
      <CallStage call={call} streams={streams} nicknames={nicknames} />
      <CallControls call={call} onReply={onReply} />
      <ShareControls share={share} onReply={onReply} />
    </section>
  );
}
