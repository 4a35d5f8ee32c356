/**
 * The call's devices as the worker keeps them. The user's choice lives in
 * storage.local, so the next call (and the next browser session) uses the
 * same microphone, camera and speaker; the offscreen document cannot read
 * storage, so the choice reaches it by message. What the offscreen document
 * last reported (the lists, the devices in use, a change in words) lives in
 * storage.session, so a worker Chrome stopped and started again still shows it.
 */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import {
  DeviceChoice,
  type DeviceKind,
  type DeviceLists,
  type DevicesInUse,
  type DeviceView,
  findDevice,
  NO_CHOICE,
  NO_DEVICE_VIEW,
} from '../shared/devices';
import { t } from '../shared/wording';
import type { Reply } from '../shared/runtime-messages';

const CHOICE_KEY = 'deviceChoice';
const VIEW_KEY = 'deviceView';

export interface DeviceStore {
  /** The remembered devices, for the offscreen document. */
  choice: () => DeviceChoice;
  view: () => DeviceView;
  /** Remembers a device the offscreen document listed; an id it did not list is refused in words and changes nothing. */
  choose: (kind: DeviceKind, id: string) => Promise<Reply>;
  found: (lists: DeviceLists, inUse: DevicesInUse) => Promise<void>;
  tell: (notice: string) => Promise<void>;
  /** The call is over: its lists go with it (only the offscreen document can make them); the choice stays. */
  clear: () => Promise<void>;
}

function parseChoice(stored: unknown): DeviceChoice {
  // Stored by an older version, or edited by hand: forget it rather than send the offscreen document something it refuses.
  const parsed = v.safeParse(DeviceChoice, stored);
  return parsed.success ? parsed.output : NO_CHOICE;
}

export async function loadDeviceStore(onChange: () => void): Promise<DeviceStore> {
  const [local, session] = await Promise.all([browser.storage.local.get(CHOICE_KEY), browser.storage.session.get(VIEW_KEY)]);
  // Kept in memory so starting a call waits for no storage read (the offer is on its way); storage stays the one source.
  let choice = parseChoice(local[CHOICE_KEY]);
  browser.storage.local.onChanged.addListener((changes) => {
    if (CHOICE_KEY in changes) choice = parseChoice(changes[CHOICE_KEY].newValue);
  });
  let view: DeviceView = { ...NO_DEVICE_VIEW, ...(session[VIEW_KEY] as Partial<DeviceView> | undefined) };

  async function show(next: DeviceView): Promise<void> {
    view = next;
    await browser.storage.session.set({ [VIEW_KEY]: view });
    onChange();
  }

  return {
    choice: () => choice,
    view: () => view,

    async choose(kind, id) {
      const device = findDevice(view.lists, kind, id);
      // Not a device the offscreen document listed (the list changed meanwhile, or there is none between calls).
      if (!device) return { ok: false, message: t(view.lists[kind].length === 0 ? 'devicesNotYetListed' : 'deviceNotListed') };
      choice = { ...choice, [kind]: device };
      await browser.storage.local.set({ [CHOICE_KEY]: choice });
      // The picker already shows the choice; what the call really uses comes with the offscreen document's next report.
      if (view.notice) await show({ ...view, notice: null });
      return { ok: true };
    },

    found: (lists, inUse) => show({ ...view, lists, inUse }),
    tell: (notice) => show({ ...view, notice }),
    clear: () => show(NO_DEVICE_VIEW),
  };
}
