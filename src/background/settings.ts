/** The user's settings, in storage.local so they outlive the browser. */
import browser from 'webextension-polyfill';

const SERVER_URL_KEY = 'serverUrl';

export async function loadServerUrl(): Promise<string> {
  const stored = await browser.storage.local.get(SERVER_URL_KEY);
  const url = stored[SERVER_URL_KEY];
  return typeof url === 'string' ? url : __DEFAULT_SERVER_URL__;
}

export async function saveServerUrl(url: string): Promise<void> {
  await browser.storage.local.set({ [SERVER_URL_KEY]: url });
}

/** A switch in Settings: its stored value, or `fallback` until the person has chosen. */
interface Toggle {
  load: () => Promise<boolean>;
  save: (on: boolean) => Promise<void>;
}

function toggle(key: string, fallback: boolean): Toggle {
  return {
    async load() {
      const stored = (await browser.storage.local.get(key))[key];
      return typeof stored === 'boolean' ? stored : fallback;
    },
    async save(on) {
      await browser.storage.local.set({ [key]: on });
    },
  };
}

/** Off unless the person turns it on: a panel that opens by itself takes room from the page they were reading. */
export const openCallViewOnAccept = toggle('openCallViewOnAccept', false);

/**
 * On unless the person turns it off: a calling app shows you yourself before
 * you pick up, and the camera is then already running when you do. It runs
 * only while a page shows the incoming call, and nothing leaves the browser
 * before Accept.
 */
export const previewWhileRinging = toggle('previewWhileRinging', true);
