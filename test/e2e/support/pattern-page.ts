/**
 * A page worth sharing, served over local HTTP (tab capture refuses data: and
 * chrome:// pages): four saturated quadrants a codec cannot blur into each
 * other, a `rotatePattern()` that moves the colours on, a steady 440 Hz tone,
 * and `animate(on)`: a bar sweeping along the middle (away from the quadrant
 * centres) so frame rate and bitrate can be measured on a page that changes.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

export type Rgb = [number, number, number];

/** The page's title, by which Chrome's screen picker can be told to choose its tab. */
export const PATTERN_TITLE = 'PeerDial share test pattern';

/** Top-left, top-right, bottom-left, bottom-right. */
export const PATTERN: Rgb[] = [
  [255, 0, 0],
  [0, 200, 0],
  [0, 0, 255],
  [255, 255, 255],
];

/** The colours after one rotation: each quadrant takes the next one's colour. */
export function rotated(pattern: Rgb[], times: number): Rgb[] {
  return pattern.map((_, i) => pattern[(i + times) % pattern.length]!);
}

export const QUADRANT_CENTRES: [number, number][] = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
];

const css = (rgb: Rgb) => `rgb(${rgb.join(',')})`;

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>${PATTERN_TITLE}</title>
<style>
  html, body { margin: 0; height: 100%; overflow: hidden; }
  body { display: grid; grid-template: 1fr 1fr / 1fr 1fr; }
  #bar { position: fixed; top: 48%; left: 0; width: 8%; height: 4%; background: black; display: none; }
</style></head>
<body>
  <div id="q0"></div><div id="q1"></div><div id="q2"></div><div id="q3"></div><div id="bar"></div>
  <script>
    const pattern = ${JSON.stringify(PATTERN.map(css))};
    let shift = 0;
    function paint() { for (let i = 0; i < 4; i++) document.getElementById('q' + i).style.background = pattern[(i + shift) % 4]; }
    window.rotatePattern = () => { shift++; paint(); return shift; };
    paint();
    // The browser under test runs with --autoplay-policy=no-user-gesture-required, so this plays at once.
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 440;
    gain.gain.value = 0.5;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    window.toneState = () => audio.state;
    let sweeping = false;
    function sweep(now) {
      if (!sweeping) return;
      document.getElementById('bar').style.left = ((now / 20) % 92) + '%';
      requestAnimationFrame(sweep);
    }
    window.animate = (on) => {
      sweeping = on;
      document.getElementById('bar').style.display = on ? 'block' : 'none';
      if (on) requestAnimationFrame(sweep);
    };
  </script>
</body></html>`;

export interface PatternServer {
  url: string;
  stop: () => Promise<void>;
}

export async function servePatternPage(): Promise<PatternServer> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(HTML);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      server.close();
      await once(server, 'close');
    },
  };
}
