/** Chrome only: `chrome.offscreen`, the invisible document that hosts the call's media (other browsers use a different host). */

export type OffscreenReason = 'USER_MEDIA' | 'WEB_RTC' | 'AUDIO_PLAYBACK';

export function createOffscreenDocument(url: string, reasons: OffscreenReason[], justification: string): Promise<void> {
  return chrome.offscreen.createDocument({ url, reasons: reasons.map((reason) => chrome.offscreen.Reason[reason]), justification });
}

export function closeOffscreenDocument(): Promise<void> {
  return chrome.offscreen.closeDocument();
}
