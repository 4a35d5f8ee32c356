/**
 * The ringtone, synthesized with Web Audio so no sound file ships: the classic
 * two-tone ring (440 Hz + 480 Hz, 2 s on, 4 s off), which people recognise as a
 * phone without looking.
 */
const RING_ON_S = 2;
const RING_CYCLE_S = 6;
/** Scheduled ahead in one go; a call that rings longer than this has timed out anyway. */
const CYCLES = 10;

export function startRingtone(): () => void {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.gain.value = 0;
  gain.connect(context.destination);
  const oscillators = [440, 480].map((frequency) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start();
    return oscillator;
  });
  const start = context.currentTime;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const at = start + cycle * RING_CYCLE_S;
    gain.gain.setValueAtTime(0.12, at);
    gain.gain.setValueAtTime(0, at + RING_ON_S);
  }
  return () => {
    for (const oscillator of oscillators) oscillator.stop();
    void context.close();
  };
}

/** The ringtone as the worker switches it: on while a call rings, off otherwise; on again restarts it. */
export function ringtoneSwitch(): (on: boolean) => void {
  let stop: (() => void) | null = null;
  return (on) => {
    stop?.();
    stop = on ? startRingtone() : null;
  };
}
