import { describe, expect, it } from 'vitest';
import { createSpeaker, DEFAULT_SPEAKER } from './speaker';

/** An audio element as Chromium 156 behaves: setSinkId refuses an element whose stream has no audio, or an unknown device. */
function element(audioTracks: number, connected = ['default', 'headphones', 'usb']) {
  const fake = {
    sinkId: '',
    srcObject: { getAudioTracks: () => Array.from({ length: fake.audioTracks }) } as unknown,
    audioTracks,
    async setSinkId(id: string) {
      if (fake.audioTracks === 0) throw new DOMException('The operation could not be performed and was aborted', 'AbortError');
      if (!connected.includes(id)) throw new DOMException('Requested device not found', 'NotFoundError');
      fake.sinkId = id;
    },
  };
  return fake;
}
const speakerOver = (...elements: ReturnType<typeof element>[]) =>
  createSpeaker(elements as unknown as HTMLMediaElement[], () => undefined);

describe('where the call is heard', () => {
  it('moves every element with sound to the chosen output', async () => {
    const [voice, share] = [element(1), element(1)];
    const speaker = speakerOver(voice, share);
    expect(speaker.current()).toBe(DEFAULT_SPEAKER);
    await speaker.use('headphones');
    expect([voice.sinkId, share.sinkId, speaker.current()]).toEqual(['headphones', 'headphones', 'headphones']);
  });

  it('moves an element that had no sound yet once it has some', async () => {
    const [voice, share] = [element(1), element(0)];
    const speaker = speakerOver(voice, share);
    await speaker.use('headphones');
    expect(share.sinkId).toBe('');
    share.audioTracks = 1;
    await speaker.refresh();
    expect(share.sinkId).toBe('headphones');
  });

  it('keeps all elements on the output they had when one cannot move, and says why', async () => {
    const voice = element(1);
    const share = element(1, ['default', 'headphones']);
    const speaker = speakerOver(voice, share);
    await speaker.use('headphones');
    await expect(speaker.use('usb')).rejects.toMatchObject({ name: 'NotFoundError' });
    expect([voice.sinkId, share.sinkId, speaker.current()]).toEqual(['headphones', 'headphones', 'headphones']);
  });
});
