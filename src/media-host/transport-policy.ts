/**
 * Which ICE candidates a call may use. Normally all of them; a developer
 * checking a TURN server (and the end-to-end test that proves relayed calls
 * connect) forces every call through the relay by setting this key in the
 * extension's localStorage, from the DevTools console of any extension page.
 * Deliberately not in the settings a user sees: a relay-only call is slower
 * and costs the relay's bandwidth, with nothing in it for the user.
 *
 * localStorage, not chrome.storage: the offscreen document has no chrome.storage,
 * and every page of the extension shares one localStorage.
 */
export const FORCE_RELAY_KEY = 'peerdial.iceTransportPolicy';

export function iceTransportPolicy(): RTCIceTransportPolicy {
  return localStorage.getItem(FORCE_RELAY_KEY) === 'relay' ? 'relay' : 'all';
}
