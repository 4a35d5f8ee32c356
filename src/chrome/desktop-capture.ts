/** Chrome only: `chrome.desktopCapture`, Chrome's own picker for a screen, window or tab. */

export type DesktopSource = 'screen' | 'window' | 'tab' | 'audio';

/** The chosen source's stream id, or an empty one when the person cancelled. */
export function chooseDesktopMedia(sources: DesktopSource[]): Promise<{ streamId: string; canRequestAudioTrack: boolean }> {
  return new Promise((resolve) => {
    chrome.desktopCapture.chooseDesktopMedia(sources, (streamId, options) => resolve({ streamId, canRequestAudioTrack: options?.canRequestAudioTrack ?? false }));
  });
}
