/**
 * Where the call is heard: the offscreen document's audio elements (their
 * voice, their shared tab's sound, our own shared tab played back) all play
 * on one output device, chosen with setSinkId.
 *
 * Chromium refuses setSinkId (AbortError) on an element whose stream has
 * no audio track yet, as the share's element has until they share with
 * sound. Such an element takes the output when its sound arrives: the
 * document calls refresh() whenever a track comes or goes.
 */

/** Chrome's name for the system's output; an element that was never set reports '' for it. */
export const DEFAULT_SPEAKER = 'default';

export interface Speaker {
  /** The output the call plays on. */
  current: () => string;
  /** Plays everything on this output; rejects with the browser's error and then stays on the output it had. */
  use: (deviceId: string) => Promise<void>;
  /** Gives elements that have gained sound since the output was chosen the same output. */
  refresh: () => Promise<void>;
  /** False where the browser cannot choose an output: the picker then offers none. */
  readonly supported: boolean;
}

export function createSpeaker(elements: HTMLMediaElement[], log: (error: unknown) => void): Speaker {
  const supported = elements.every((element) => typeof element.setSinkId === 'function');
  let output = DEFAULT_SPEAKER;

  const silent = (element: HTMLMediaElement) => {
    const source = element.srcObject as MediaStream | null;
    return source === null || source.getAudioTracks().length === 0;
  };
  const playsOn = (element: HTMLMediaElement) => element.sinkId || DEFAULT_SPEAKER;

  /** Moves the elements that have sound; the silent ones follow on refresh(). */
  async function moveAll(): Promise<void> {
    const results = await Promise.allSettled(
      elements.filter((element) => !silent(element) && playsOn(element) !== output).map((element) => element.setSinkId(output)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  return {
    supported,
    current: () => output,

    async use(deviceId) {
      if (!supported) throw new DOMException('This browser cannot choose where sound plays.', 'NotSupportedError');
      const before = output;
      output = deviceId;
      try {
        await moveAll();
      } catch (error) {
        // One element may have moved before another failed: keep them together.
        output = before;
        await moveAll().catch(log);
        throw error;
      }
    },

    async refresh() {
      if (supported) await moveAll().catch(log);
    },
  };
}
