/** The user's settings, in storage.local so they outlive the browser. */
import browser from 'webextension-polyfill';
import { t } from '../shared/i18n';

const SERVER_URL_KEY = 'serverUrl';

export async function loadServerUrl(): Promise<string> {
  const stored = await browser.storage.local.get(SERVER_URL_KEY);
  const url = stored[SERVER_URL_KEY];
  return typeof url === 'string' ? url : __DEFAULT_SERVER_URL__;
}

/** Returns the normalized URL, or a sentence saying what is wrong with it. */
export function parseServerUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: t('serverUrlInvalid') };
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    return { ok: false, message: t('serverUrlScheme') };
  }
  return { ok: true, url: url.origin };
}

export async function saveServerUrl(url: string): Promise<void> {
  await browser.storage.local.set({ [SERVER_URL_KEY]: url });
}
