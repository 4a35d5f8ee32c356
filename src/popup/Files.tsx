/** Files in the call: pick or drop to offer; the other side accepts or declines; progress, cancel, verdict. */
import { useState } from 'preact/hooks';
import { isFinal, type Transfer } from '../shared/chat-and-files';
import { describeTransfer } from '../shared/describe-transfer';
import type { Reply } from '../shared/runtime-messages';
import { offerFiles } from './offer-files';
import { sendCommand } from './use-background';

function TransferRow({ transfer: t, onReply }: { transfer: Transfer; onReply(reply: Reply): void }) {
  const send = async (command: Parameters<typeof sendCommand>[0]) => onReply(await sendCommand(command));
  const deciding = t.direction === 'receive' && t.status === 'offered';
  const moving = t.status === 'transferring' || t.status === 'verifying';
  const cancellable = !isFinal(t) && !deciding && t.status !== 'saving';

  return (
    <li class={`transfer transfer-${t.status}`} aria-label={`${t.direction === 'send' ? 'Sending' : 'Receiving'} ${t.name}`}>
      <div class="row">
        <span class="arrow" aria-hidden="true">
          {t.direction === 'send' ? '↑' : '↓'}
        </span>
        <strong class="name" title={t.name}>
          {t.name}
        </strong>
      </div>
      {moving && <progress aria-label={`${t.name} progress`} max={t.size || 1} value={t.status === 'verifying' ? t.size || 1 : t.bytes} />}
      <span class="detail">
        {describeTransfer(t)}
      </span>
      {deciding && (
        <div class="row">
          <button type="button" class="accept" aria-label={`Accept ${t.name}`} onClick={() => send({ type: 'accept-file', id: t.id })}>
            Accept
          </button>
          <button type="button" aria-label={`Decline ${t.name}`} onClick={() => send({ type: 'decline-file', id: t.id })}>
            Decline
          </button>
        </div>
      )}
      {cancellable && (
        <button type="button" class="quiet" aria-label={`Cancel ${t.name}`} onClick={() => send({ type: 'cancel-file', id: t.id })}>
          Cancel
        </button>
      )}
    </li>
  );
}

export function Files({ transfers, onReply }: { transfers: Transfer[]; onReply(reply: Reply): void }) {
  const [dragging, setDragging] = useState(false);

  function offer(files: FileList | null | undefined) {
    if (files && files.length > 0) onReply(offerFiles([...files]));
  }

  return (
    <section class="files" aria-label="Files">
      <div
        class={`drop${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          offer(event.dataTransfer?.files);
        }}
      >
        <label for="send-files">Send files</label>
        <input
          id="send-files"
          type="file"
          multiple
          onChange={(event) => {
            offer(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <span class="hint">or drop them here</span>
      </div>
      {transfers.length > 0 && (
        <ul class="transfers">
          {transfers.map((t) => (
            <TransferRow key={t.id} transfer={t} onReply={onReply} />
          ))}
        </ul>
      )}
    </section>
  );
}
