/** Mute, camera and hang up: once the other side is reached; until then only Cancel. A page adds its own buttons as children. */
import type { ComponentChildren } from 'preact';
import type { Reply } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import type { InCall } from './CallStage';
import { useCommandSender } from './commands';

export function CallControls({ call, onReply, children }: { call: InCall; onReply: (reply: Reply) => void; children?: ComponentChildren }) {
  const send = useCommandSender(onReply);
  return (
    <div class="row controls">
      {call.phase !== 'calling' && (
        <>
          <button type="button" onClick={() => send({ type: 'set-mic', on: !call.local.mic })}>
            {call.local.mic ? t('mute') : t('unmute')}
          </button>
          <button type="button" onClick={() => send({ type: 'set-camera', on: !call.local.camera })}>
            {call.local.camera ? t('cameraOff') : t('cameraOn')}
          </button>
        </>
      )}
      <button type="button" class="danger" onClick={() => send({ type: 'hangup' })}>
        {call.phase === 'calling' ? t('cancel') : t('hangUp')}
      </button>
      {children}
    </div>
  );
}
