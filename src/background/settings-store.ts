/**
 * This install's identity and the person's settings, as the worker uses them:
 * loaded once per worker start, changed only through here so the stored and
 * the used values never differ.
 */
import type { Identity } from '../shared/call-code';
import { loadIdentity, replaceIdentity } from './identity';
import { loadServerUrl, openCallViewOnAccept, previewWhileRinging, saveServerUrl } from './settings';

export interface Settings {
  /** Null until loaded. */
  identity: Identity | null;
  serverUrl: string;
  openCallViewOnAccept: boolean;
  previewWhileRinging: boolean;
}

export interface SettingsStore {
  /** The defaults until `load` has finished: a click handled before then must not wait (its gesture would end). */
  current: () => Readonly<Settings>;
  load: () => Promise<void>;
  newIdentity: () => Promise<void>;
  setServerUrl: (url: string) => Promise<void>;
  setOpenCallViewOnAccept: (on: boolean) => Promise<void>;
  setPreviewWhileRinging: (on: boolean) => Promise<void>;
}

export function createSettingsStore(): SettingsStore {
  let settings: Settings = { identity: null, serverUrl: __DEFAULT_SERVER_URL__, openCallViewOnAccept: false, previewWhileRinging: true };
  return {
    current: () => settings,
    async load() {
      const [identity, serverUrl, callView, preview] = await Promise.all([loadIdentity(), loadServerUrl(), openCallViewOnAccept.load(), previewWhileRinging.load()]);
      settings = { identity, serverUrl, openCallViewOnAccept: callView, previewWhileRinging: preview };
    },
    async newIdentity() {
      settings = { ...settings, identity: await replaceIdentity() };
    },
    async setServerUrl(url) {
      settings = { ...settings, serverUrl: url };
      await saveServerUrl(url);
    },
    async setOpenCallViewOnAccept(on) {
      settings = { ...settings, openCallViewOnAccept: on };
      await openCallViewOnAccept.save(on);
    },
    async setPreviewWhileRinging(on) {
      settings = { ...settings, previewWhileRinging: on };
      await previewWhileRinging.save(on);
    },
  };
}
