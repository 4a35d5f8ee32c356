/**
 * The real toolbar popup, opened over a web tab as a person's click opens it,
 * so "Share this tab" means that tab. Playwright does not list this popup among
 * its pages, so it is driven over the DevTools protocol (PLATFORM-NOTES.md):
 * elements are found by role and accessible name in Chrome's accessibility
 * tree, as a screen reader would find them, then clicked or typed into.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { ExtensionBrowser } from './browser';
import { eventually } from './probes';

export interface RealPopup {
  click: (role: string, name: string) => Promise<void>;
  type: (role: string, name: string, text: string) => Promise<void>;
  /** Whether an element with this role and accessible name is in the popup now. */
  has: (role: string, name: string) => Promise<boolean>;
  text: () => Promise<string>;
  /** Runs an expression in the popup (awaiting a promise) and returns its JSON value. */
  evaluate: <T>(expression: string) => Promise<T>;
  close: () => Promise<void>;
}

interface CdpReply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export async function openRealPopup(browser: ExtensionBrowser, over: Page): Promise<RealPopup> {
  await over.bringToFront();
  const cdp: CDPSession = await browser.context.newCDPSession(over);
  const popupUrl = browser.url('src/popup/index.html');
  await browser.worker.evaluate(() => chrome.action.openPopup());
  const target = await eventually(
    async () => {
      const { targetInfos } = await cdp.send('Target.getTargets');
      return targetInfos.find((info) => info.type === 'page' && info.url === popupUrl) ?? null;
    },
    (found) => found !== null,
    'the toolbar popup to open',
  );
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target!.targetId, flatten: false });

  let nextId = 0;
  const waiting = new Map<number, (reply: CdpReply) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message) as CdpReply;
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
  });

  async function send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++nextId;
    const replied = new Promise<CdpReply>((resolve) => waiting.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    const reply = await replied;
    waiting.delete(id);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result as T;
  }

  async function find(role: string, name: string): Promise<string | null> {
    const { result: document } = await send<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'document' });
    const { nodes } = await send<{ nodes: { backendDOMNodeId?: number; ignored?: boolean }[] }>('Accessibility.queryAXTree', {
      objectId: document.objectId,
      accessibleName: name,
      role,
    });
    const node = nodes.find((n) => !n.ignored && n.backendDOMNodeId !== undefined);
    if (!node) return null;
    const { object } = await send<{ object: { objectId: string } }>('DOM.resolveNode', { backendNodeId: node.backendDOMNodeId });
    return object.objectId;
  }

  async function element(role: string, name: string): Promise<string> {
    const found = await eventually(() => find(role, name), (id) => id !== null, `${role} "${name}" in the popup`);
    return found!;
  }

  async function call(objectId: string, functionDeclaration: string): Promise<void> {
    await send('Runtime.callFunctionOn', { objectId, functionDeclaration });
  }

  await send('DOM.enable');
  return {
    async click(role, name) {
      await call(await element(role, name), 'function () { this.click(); }');
    },
    async type(role, name, text) {
      await call(await element(role, name), 'function () { this.focus(); this.select?.(); }');
      await send('Input.insertText', { text });
    },
    has: async (role, name) => (await find(role, name)) !== null,
    async text() {
      const { result } = await send<{ result: { value: string } }>('Runtime.evaluate', { expression: 'document.body.innerText', returnByValue: true });
      return result.value;
    },
    async evaluate<T>(expression: string) {
      const reply = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', {
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (reply.exceptionDetails) throw new Error(`In the popup: ${reply.exceptionDetails.text}`);
      return reply.result.value;
    },
    async close() {
      // No reply comes from a page that closes itself; do not wait for one.
      void send('Runtime.evaluate', { expression: 'window.close()' }).catch(() => undefined);
      await eventually(
        // The session rides on the tab the popup opened over; when that tab is gone, so is the popup.
        async () => (await cdp.send('Target.getTargets').catch(() => ({ targetInfos: [] }))).targetInfos.some((info) => info.targetId === target!.targetId),
        (open) => !open,
        'the toolbar popup to close',
      );
      await cdp.detach().catch(() => undefined);
    },
  };
}
