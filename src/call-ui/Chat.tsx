/** The call's chat: messages both ways, a receipt on mine, links clickable but never HTML. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../shared/chat-and-files';
import { splitLinks } from './chat-links';
import { MAX_CHAT_LENGTH } from '../shared/chat-and-files';
import type { Reply } from '../shared/runtime-messages';
import { useCallCommands } from './commands';
import { t } from '../shared/wording';

function MessageText({ text }: { text: string }) {
  // Text nodes and <a> elements only: whatever they type is shown, never run.
  return (
    <>
      {splitLinks(text).map((piece, i) =>
        piece.kind === 'link' ? (
          <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer">
            {piece.text}
          </a>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}

export function Chat({ messages, onReply }: { messages: ChatMessage[]; onReply: (reply: Reply) => void }) {
  const [text, setText] = useState('');
  const log = useRef<HTMLDivElement>(null);
  const { send: sendCommand } = useCallCommands();

  useEffect(() => {
    const box = log.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [messages.length]);

  async function send(event: Event) {
    event.preventDefault();
    const reply = await sendCommand({ type: 'chat', text });
    onReply(reply);
    if (reply.ok) setText('');
  }

  return (
    <section class="chat" aria-label={t('chat')}>
      <div ref={log} class="messages" role="log" aria-label={t('chatMessages')}>
        <ol>
        {messages.map((m) => (
          <li key={`${m.from}-${m.id}`} class={`message from-${m.from}`}>
            <span class="who">{m.from === 'me' ? t('chatYou') : t('chatThem')}</span>
            <span class="text">
              <MessageText text={m.text} />
            </span>
            {m.from === 'me' && <span class="receipt">{m.delivered ? t('chatDelivered') : t('chatSending')}</span>}
          </li>
        ))}
        </ol>
      </div>
      <form class="row" onSubmit={(event) => void send(event)}>
        <label for="chat-message" class="visually-hidden">
          {t('chatMessage')}
        </label>
        <input
          id="chat-message"
          class="text-input"
          value={text}
          maxLength={MAX_CHAT_LENGTH}
          placeholder={t('chatMessage')}
          autocomplete="off"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" disabled={text.trim() === ''}>
          {t('chatSend')}
        </button>
      </form>
    </section>
  );
}
