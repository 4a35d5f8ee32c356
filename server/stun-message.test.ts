import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindingSuccess, fingerprint, MAX_REQUEST_BYTES, parseBindingRequest } from './stun-message';

const hex = (text: string) => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

/** RFC 5769 §2.1, "Sample Request": SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT. */
const SAMPLE_REQUEST = hex(`
  00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);
const TRANSACTION_ID = hex('b7 e7 a7 01 bc 34 d6 86 fa 87 df ae');
/** RFC 5769 §2.2 and §2.3: the XOR-MAPPED-ADDRESS of the sample responses, 192.0.2.1:32853 and 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
const XOR_MAPPED_IPV4 = hex('00 20 00 08 00 01 a1 47 e1 12 a6 43');
const XOR_MAPPED_IPV6 = hex('00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9');

/** A plain Binding request, as a browser gathering its server-reflexive candidate sends it. */
function bindingRequest(id = TRANSACTION_ID): Uint8Array {
  return Uint8Array.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, ...id]);
}

describe('a STUN Binding request', () => {
  it("takes RFC 5769's sample request, its FINGERPRINT checked, and gives its transaction id", () => {
    expect(parseBindingRequest(SAMPLE_REQUEST)).toEqual(TRANSACTION_ID);
    expect(parseBindingRequest(bindingRequest())).toEqual(TRANSACTION_ID);
  });

  it('refuses the sample request with any single bit of it flipped in the part its FINGERPRINT covers', () => {
    for (let bit = 8 * 20; bit < 8 * (SAMPLE_REQUEST.length - 8); bit += 13) {
      const flipped = SAMPLE_REQUEST.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(parseBindingRequest(flipped), `bit ${bit}`).toBeNull();
    }
  });

  it('refuses what is not a Binding request: a response, an indication, another method, no magic cookie, a wrong length', () => {
    const variant = (at: number, byte: number) => {
      const packet = bindingRequest();
      packet[at] = byte;
      return packet;
    };
    expect(parseBindingRequest(variant(1, 0x11))).toBeNull(); // Binding indication
    expect(parseBindingRequest(Uint8Array.from([0x01, 0x01, ...bindingRequest().slice(2)]))).toBeNull(); // success response
    expect(parseBindingRequest(variant(1, 0x03))).toBeNull(); // Allocate (TURN)
    expect(parseBindingRequest(variant(4, 0x00))).toBeNull(); // RFC 3489, no cookie
    expect(parseBindingRequest(variant(3, 0x04))).toBeNull(); // says 4 bytes of attributes, has none
    expect(parseBindingRequest(bindingRequest().subarray(0, 19))).toBeNull();
    expect(parseBindingRequest(new Uint8Array(MAX_REQUEST_BYTES + 4))).toBeNull();
  });

  it('refuses an attribute that runs past the end, and a FINGERPRINT that is not last', () => {
    const overrun = Uint8Array.from([...bindingRequest(), 0x80, 0x22, 0x00, 0x10, 1, 2, 3, 4]);
    overrun[3] = 8;
    expect(parseBindingRequest(overrun)).toBeNull();
    const software = [0x80, 0x22, 0x00, 0x04, 0x61, 0x62, 0x63, 0x64];
    const withFingerprint = Uint8Array.from([...bindingRequest(), 0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0, ...software]);
    withFingerprint[3] = 16;
    new DataView(withFingerprint.buffer).setUint32(24, fingerprint(withFingerprint.subarray(0, 20)));
    expect(parseBindingRequest(withFingerprint)).toBeNull();
    // The same FINGERPRINT, last, is fine.
    const last = withFingerprint.slice(0, 28);
    last[3] = 8;
    new DataView(last.buffer).setUint32(24, fingerprint(last.subarray(0, 20)));
    expect(parseBindingRequest(last)).toEqual(TRANSACTION_ID);
  });

  it('never throws and never takes a packet that is not exactly a well-formed Binding request', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (packet) => {
        const id = parseBindingRequest(packet);
        if (id === null) return;
        // Anything taken is a Binding request with the cookie and a length that is the packet's.
        expect([packet[0], packet[1], packet[4], packet[5], packet[6], packet[7]]).toEqual([0, 1, 0x21, 0x12, 0xa4, 0x42]);
        expect(((packet[2]! << 8) | packet[3]!) + 20).toBe(packet.length);
      }),
      { numRuns: 5_000 },
    );
    // Random bytes after a real header: attribute walks of every shape.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (tail) => {
        const packet = Uint8Array.from([...bindingRequest(), ...tail]);
        packet[2] = tail.length >> 8;
        packet[3] = tail.length & 0xff;
        expect(() => parseBindingRequest(packet)).not.toThrow();
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('the Binding success response', () => {
  it("carries RFC 5769's XOR-MAPPED-ADDRESS for its sample IPv4 and IPv6 addresses, and nothing else", () => {
    const ipv4 = bindingSuccess(TRANSACTION_ID, '192.0.2.1', 32853);
    expect(ipv4.subarray(0, 8)).toEqual(hex('01 01 00 0c 21 12 a4 42'));
    expect(ipv4.subarray(8, 20)).toEqual(TRANSACTION_ID);
    expect(ipv4.subarray(20)).toEqual(XOR_MAPPED_IPV4);
    const ipv6 = bindingSuccess(TRANSACTION_ID, '2001:db8:1234:5678:11:2233:4455:6677', 32853);
    expect(ipv6.subarray(0, 4)).toEqual(hex('01 01 00 18'));
    expect(ipv6.subarray(20)).toEqual(XOR_MAPPED_IPV6);
  });

  it('answers an IPv4 client seen through a dual-stack socket as IPv4, and writes IPv6 in any of its forms alike', () => {
    expect(bindingSuccess(TRANSACTION_ID, '::ffff:192.0.2.1', 32853).subarray(20)).toEqual(XOR_MAPPED_IPV4);
    const full = bindingSuccess(TRANSACTION_ID, '2001:db8:0:0:0:0:0:1', 1);
    expect(bindingSuccess(TRANSACTION_ID, '2001:db8::1', 1)).toEqual(full);
    expect(bindingSuccess(TRANSACTION_ID, '64:ff9b::192.0.2.1', 1)).toEqual(bindingSuccess(TRANSACTION_ID, '64:ff9b::c000:201', 1));
  });

  it('is never more than 32 bytes for IPv4 and 44 for IPv6: a forged source gets little back', () => {
    expect(bindingSuccess(TRANSACTION_ID, '203.0.113.9', 65535)).toHaveLength(32);
    expect(bindingSuccess(TRANSACTION_ID, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 65535)).toHaveLength(44);
  });
});
