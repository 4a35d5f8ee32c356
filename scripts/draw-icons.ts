/**
 * Draws the PeerDial icon at each size the manifest names and writes the PNGs
 * to public/icons/. Run with `npx tsx scripts/draw-icons.ts` after changing
 * the design; the PNGs are committed because the build only copies them.
 *
 * Pure Node and no image library: every shape is a signed distance function,
 * so edges are anti-aliased exactly, and each size is drawn natively with its
 * own proportions instead of being shrunk from 128 px into mush.
 *
 * The design: a teal-to-blue rounded tile holding two overlapping speech
 * bubbles, the two peers of a call; the near one solid white, the far one
 * translucent, a gap of the tile's colour between them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Vec = [number, number];
type Rgb = [number, number, number];

// ---------------------------------------------------------------- PNG

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** 8-bit RGBA, non-premultiplied, every row with filter 0: the plainest valid PNG. */
function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

// ---------------------------------------------------------------- distance functions (negative inside)

const length = (x: number, y: number) => Math.hypot(x, y);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function circle(p: Vec, c: Vec, r: number): number {
  return length(p[0] - c[0], p[1] - c[1]) - r;
}

function roundedSquare(p: Vec, c: Vec, half: number, radius: number): number {
  const qx = Math.abs(p[0] - c[0]) - half + radius;
  const qy = Math.abs(p[1] - c[1]) - half + radius;
  return length(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Exact distance to a triangle (Inigo Quilez's sdTriangle). */
function triangle(p: Vec, a: Vec, b: Vec, c: Vec): number {
  const e = [
    [b[0] - a[0], b[1] - a[1]],
    [c[0] - b[0], c[1] - b[1]],
    [a[0] - c[0], a[1] - c[1]],
  ] as const;
  const v = [
    [p[0] - a[0], p[1] - a[1]],
    [p[0] - b[0], p[1] - b[1]],
    [p[0] - c[0], p[1] - c[1]],
  ] as const;
  const s = Math.sign(e[0][0] * e[2][1] - e[0][1] * e[2][0]);
  let d = Infinity;
  let inside = Infinity;
  for (let i = 0; i < 3; i++) {
    const [ex, ey] = e[i]!;
    const [vx, vy] = v[i]!;
    const t = clamp((vx * ex + vy * ey) / (ex * ex + ey * ey), 0, 1);
    d = Math.min(d, length(vx - ex * t, vy - ey * t) ** 2);
    inside = Math.min(inside, s * (vx * ey - vy * ex));
  }
  return -Math.sqrt(d) * Math.sign(inside);
}

/** Union with a fillet of radius k, so the bubble's tail grows out of its body instead of being stuck on. */
function smoothUnion(a: number, b: number, k: number): number {
  const h = clamp(0.5 + (0.5 * (b - a)) / k, 0, 1);
  return b * (1 - h) + a * h - k * h * (1 - h);
}

// ---------------------------------------------------------------- the design

/**
 * Per-size choices, in pixels where it matters: at toolbar sizes a gap or a
 * tail of a fraction of a pixel turns into grey smear, so small sizes get a
 * relatively wider gap, a larger glyph, no tails at 16 px, and a stronger far bubble.
 */
interface Style {
  margin: number; // transparent border, px; Chrome's store art expects air around the 128 px icon
  glyph: number; // bubble radius as a fraction of the tile
  gap: number; // knockout between the bubbles, px
  spread: Vec; // each bubble's offset from the centre, in bubble radii
  tails: boolean; // a 16 px tail would be one stray pixel
  backOpacity: number; // the far bubble's white, stronger where few pixels must carry it
  snap: boolean; // whole-pixel centres and radius, so the toolbar sizes get crisp edges instead of grey fringes
}

const STYLES: Record<number, Style> = {
  16: { margin: 0, glyph: 0.24, gap: 1.1, spread: [0.5, 0.36], tails: false, backOpacity: 0.72, snap: true },
  32: { margin: 1, glyph: 0.22, gap: 1.8, spread: [0.5, 0.36], tails: true, backOpacity: 0.68, snap: true },
  48: { margin: 2, glyph: 0.215, gap: 2.5, spread: [0.5, 0.36], tails: true, backOpacity: 0.64, snap: false },
  128: { margin: 8, glyph: 0.21, gap: 5.5, spread: [0.5, 0.36], tails: true, backOpacity: 0.6, snap: false },
};

/** Teal at the top left deepening towards blue at the bottom right, around #0F766E, as if lit from above. */
const TOP: Rgb = [0x14, 0xa8, 0x9c];
const BOTTOM: Rgb = [0x0b, 0x5f, 0x7e];

function bubble(p: Vec, centre: Vec, r: number, tailSide: -1 | 1, tails: boolean): number {
  const body = circle(p, centre, r);
  if (!tails) return body;
  // The tail leaves the body low on the outer side and points down and out, like a speech bubble's.
  const [cx, cy] = centre;
  const tip: Vec = [cx + tailSide * r * 0.98, cy + r * 1.02];
  const a: Vec = [cx + tailSide * r * 0.25, cy + r * 0.55];
  const b: Vec = [cx + tailSide * r * 0.85, cy + r * 0.1];
  return smoothUnion(body, triangle(p, a, b, tip), r * 0.12);
}

function drawIcon(size: number): Uint8Array {
  const style = STYLES[size];
  if (!style) throw new Error(`No style for ${size} px; add one to STYLES`);
  const { margin, gap, tails } = style;
  const tile = size - 2 * margin;
  const mid = size / 2;
  const fit = (n: number) => (style.snap ? Math.round(n) : n);
  const r = fit(style.glyph * tile);
  // The two peers: the far one up and right, the near one down and left and in front.
  const [sx, sy] = style.spread;
  // Tails make the pair bottom-heavy; lift it so it sits optically centred.
  const lift = tails ? 0.1 * r : 0;
  const back: Vec = [fit(mid + sx * r), fit(mid - sy * r - lift)];
  const front: Vec = [fit(mid - sx * r), fit(mid + sy * r - lift)];

  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p: Vec = [x + 0.5, y + 0.5];
      // Coverage from distance: a pixel half inside an edge is half covered.
      const tileAlpha = clamp(0.5 - roundedSquare(p, [mid, mid], tile / 2, tile * 0.225), 0, 1);

      const near = bubble(p, front, r, -1, tails);
      const far = Math.max(bubble(p, back, r, 1, tails), -(near - gap));
      // The far bubble is translucent white, so the pair has depth without a second colour.
      const glyphAlpha = Math.max(clamp(0.5 - near, 0, 1), clamp(0.5 - far, 0, 1) * style.backOpacity) * tileAlpha;

      const t = clamp((x + y + 1 - 2 * margin) / (2 * tile), 0, 1);
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) {
        const bg = TOP[k]! + (BOTTOM[k]! - TOP[k]!) * t;
        out[i + k] = Math.round(bg + (255 - bg) * (glyphAlpha / Math.max(tileAlpha, 1e-6)));
      }
      out[i + 3] = Math.round(tileAlpha * 255);
    }
  }
  return out;
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
mkdirSync(outDir, { recursive: true });
for (const size of Object.keys(STYLES).map(Number)) {
  const file = join(outDir, `icon-${size}.png`);
  writeFileSync(file, encodePng(size, drawIcon(size)));
  console.log(`wrote ${file}`);
}
