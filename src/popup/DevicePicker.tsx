/**
 * Microphone, camera and speaker pickers, in the call view and (folded) in
 * the popup: plain labelled selects, so the keyboard and screen readers work
 * as everywhere. They show the lists the
 * offscreen document reported through the view; a choice goes to the worker,
 * which remembers it and has the call switch.
 */
import { DEVICE_KINDS, devicePickerLabel, type DeviceKind, type DeviceView } from '../shared/devices';
import { t } from '../shared/wording';
import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';

function Picker({ kind, devices, onReply }: { kind: DeviceKind; devices: DeviceView; onReply: (reply: Reply) => void }) {
  const list = devices.lists[kind];
  const id = `device-${kind}`;
  const inUse = devices.inUse[kind];
  const choose = (deviceId: string) => void sendCommand({ type: 'set-device', kind, id: deviceId }).then(onReply);
  return (
    <div class="device">
      <label for={id}>{devicePickerLabel(kind)}</label>
      <select id={id} value={inUse ?? ''} disabled={list.length === 0} onChange={(event) => void choose(event.currentTarget.value)}>
        {list.length === 0 && <option value="">{t('deviceNoneFound')}</option>}
        {/* In use but not listed (the list is being refreshed): still shown, so the select does not claim another device. */}
        {inUse && list.length > 0 && !list.some((device) => device.id === inUse) && <option value={inUse}>{t('deviceCurrent')}</option>}
        {list.map((device, index) => (
          <option key={device.id} value={device.id}>
            {device.label || t('deviceUnnamed', index + 1)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function DevicePicker({ devices, onReply }: { devices: DeviceView; onReply: (reply: Reply) => void }) {
  return (
    <section class="devices" aria-label={t('devicesHeading')}>
      {devices.notice && <p class="notice" role="status">{devices.notice}</p>}
      {DEVICE_KINDS.map((kind) => (
        <Picker key={kind} kind={kind} devices={devices} onReply={onReply} />
      ))}
    </section>
  );
}
