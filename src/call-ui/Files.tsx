/** Files in the call: pick or drop to offer; the other side accepts or declines; progress, cancel, verdict. */
import { useState } from 'preact/hooks';
import { isFinal, type Transfer } from '../shared/chat-and-files';
import { describeTransfer, type SavedTo } from './describe-transfer';
import { t } from '../shared/wording';
import type { Reply } from '../shared/runtime-messages';
import { useCallCommands, useCommandSender } from './commands';
import { ReceivedFileType } from './ReceivedFileType';
import { fileTypeOf } from '../shared/received-file-name';

function TransferRow({ transfer, savedTo, onReply }: { transfer: Transfer; savedTo: SavedTo; onReply: (reply: Reply) => void }) {
  const send = useCommandSender(onReply);
  const deciding = transfer.direction === 'receive' && transfer.status === 'offered';
  const moving = transfer.status === 'transferring' || transfer.status === 'paused' || transfer.status === 'verifying';
  const cancellable = !isFinal(transfer) && !deciding && transfer.status !== 'saving';
  const warningId = `runs-code-${transfer.id}`;
  const warned = transfer.direction === 'receive' && fileTypeOf(transfer.name).runsCode;

  return (
    <li class={`transfer transfer-${transfer.status}`} aria-label={t(transfer.direction === 'send' ? 'fileSending' : 'fileReceiving', transfer.name)}>
      <div class="row">
        <span class="arrow" aria-hidden="true">
          {transfer.direction === 'send' ? '↑' : '↓'}
        </span>
        <strong class="name" title={transfer.name}>
          {transfer.name}
        </strong>
      </div>
      {transfer.direction === 'receive' && <ReceivedFileType name={transfer.name} warningId={warningId} />}
      {moving && <progress aria-label={t('fileProgress', transfer.name)} max={transfer.size || 1} value={transfer.status === 'verifying' ? transfer.size || 1 : transfer.bytes} />}
      <span class="detail">
        {describeTransfer(transfer, savedTo)}
      </span>
      {deciding && (
        <div class="row">
          <button
            type="button"
            class="accept"
            aria-label={t('fileAccept', transfer.name)}
            aria-describedby={warned ? warningId : undefined}
            onClick={() => send({ type: 'accept-file', id: transfer.id })}
          >
            {t('accept')}
          </button>
          <button type="button" aria-label={t('fileDecline', transfer.name)} onClick={() => send({ type: 'decline-file', id: transfer.id })}>
            {t('decline')}
          </button>
        </div>
      )}
      {transfer.retryable && (
        <button type="button" aria-label={t('fileRetry', transfer.name)} onClick={() => send({ type: 'retry-file', id: transfer.id })}>
          {t('retry')}
        </button>
      )}
      {cancellable && (
        <button type="button" class="quiet" aria-label={t('fileCancel', transfer.name)} onClick={() => send({ type: 'cancel-file', id: transfer.id })}>
          {t('cancel')}
        </button>
      )}
    </li>
  );
}

export function Files({ transfers, savedTo = 'downloads', onReply }: { transfers: Transfer[]; savedTo?: SavedTo; onReply: (reply: Reply) => void }) {
  const [dragging, setDragging] = useState(false);
  const { offerFiles } = useCallCommands();

  function offer(files: FileList | null | undefined) {
    if (files && files.length > 0) onReply(offerFiles([...files]));
  }

  return (
    <section class="files" aria-label={t('files')}>
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
        <label for="send-files">{t('sendFiles')}</label>
        <input
          id="send-files"
          type="file"
          multiple
          onChange={(event) => {
            offer(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <span class="hint">{t('dropFilesHere')}</span>
      </div>
      {transfers.length > 0 && (
        <ul class="transfers">
          {transfers.map((transfer) => (
            <TransferRow key={transfer.id} transfer={transfer} savedTo={savedTo} onReply={onReply} />
          ))}
        </ul>
      )}
    </section>
  );
}
