/**
 * The one STUN exchange this server answers (RFC 5389): a Binding request in,
 * a Binding success response out that says, in XOR-MAPPED-ADDRESS, the
 * address and port the request came from. That is all a browser needs to
 * learn its server-reflexive candidate: its address as the internet sees it.
 * Pure: bytes in, bytes (or nothing) out.
 */
import { isIPv4 } from 'node:net';
import { crc32 } from 'node:zlib';
import { ipv6Groups, parseAddress } from './client-address';

export const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const FINGERPRINT = 0x8028;
/** RFC 5389 §15.5: the CRC-32 is XORed with this, so a STUN packet's checksum differs from another protocol's. */
const FINGERPRINT_XOR = 0x5354554e;
/** A Binding request needs no attributes; the bound keeps what is read per packet small whatever arrives. */
export const MAX_REQUEST_BYTES = 548;

/**
 * The transaction id of a well-formed Binding request, or null for anything else: too short or too long, not STUN
 * (the two top bits, the magic cookie, a length that is not the packet's), another method or class, attributes that
 * run past the end, or a FINGERPRINT that is not last or does not match. Never throws.
 *
 * Attributes are not otherwise read: none changes the answer. A request carrying MESSAGE-INTEGRITY is answered like
 * any other, as a STUN server that does not authenticate does (RFC 5389 §10: authentication is the usage's choice,
 * and finding one's own address needs none).
 */
export function parseBindingRequest(packet: Uint8Array): Uint8Array | null {
  if (packet.length < HEADER_BYTES || packet.length > MAX_REQUEST_BYTES) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const type = view.getUint16(0);
  const length = view.getUint16(2);
  if (type !== BINDING_REQUEST || view.getUint32(4) !== MAGIC_COOKIE) return null;
  if (length % 4 !== 0 || HEADER_BYTES + length !== packet.length) return null;
  let at = HEADER_BYTES;
  while (at < packet.length) {
    if (at + 4 > packet.length) return null;
    const attribute = view.getUint16(at);
    const valueLength = view.getUint16(at + 2);
    const next = at + 4 + Math.ceil(valueLength / 4) * 4;
    if (next > packet.length) return null;
    if (attribute === FINGERPRINT) {
      if (valueLength !== 4 || next !== packet.length) return null;
      if (view.getUint32(at + 4) !== fingerprint(packet.subarray(0, at))) return null;
    }
    at = next;
  }
  return packet.slice(8, HEADER_BYTES);
}

/**
 * RFC 5389 §15.5's FINGERPRINT value for a message whose bytes up to the attribute are `before`: the header's length
 * already counts the attribute itself.
 */
export function fingerprint(before: Uint8Array): number {
  return (crc32(before) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * The Binding success response to the request with `transactionId`, from `address`:`port`. Only XOR-MAPPED-ADDRESS:
 * 32 bytes for IPv4 and 44 for IPv6, so a forged source gets as little as STUN allows (no SOFTWARE, no FINGERPRINT).
 * An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 client) is answered as the IPv4 address it is.
 */
export function bindingSuccess(transactionId: Uint8Array, address: string, port: number): Uint8Array {
  const plain = parseAddress(address);
  if (!plain) throw new Error('Not an IP address');
  const ipv4 = isIPv4(plain);
  const addressBytes = Uint8Array.from(ipv4 ? plain.split('.').map(Number) : ipv6Groups(plain).flatMap((group) => [group >> 8, group & 0xff]));
  const valueLength = 4 + addressBytes.length;
  const response = new Uint8Array(HEADER_BYTES + 4 + valueLength);
  const view = new DataView(response.buffer);
  view.setUint16(0, BINDING_SUCCESS);
  view.setUint16(2, 4 + valueLength);
  view.setUint32(4, MAGIC_COOKIE);
  response.set(transactionId, 8);
  view.setUint16(20, XOR_MAPPED_ADDRESS);
  view.setUint16(22, valueLength);
  view.setUint16(24, ipv4 ? 0x01 : 0x02);
  view.setUint16(26, port ^ (MAGIC_COOKIE >>> 16));
  // The address is XORed with the cookie and, for IPv6, the transaction id: the header's bytes 4 to 19.
  for (let i = 0; i < addressBytes.length; i++) response[28 + i] = addressBytes[i]! ^ response[4 + i]!;
  return response;
}
