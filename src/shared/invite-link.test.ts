import { describe, expect, it } from 'vitest';
import type { CallCode } from './call-code';
import { codeFromInvitePath, inviteLink } from './invite-link';

const CODE = 'K7QM4ZP2XWA9' as CallCode;

describe('inviteLink', () => {
  it("is the server's origin, any path prefix kept, then /call/ and the code", () => {
    expect(inviteLink('http://localhost:3000', CODE)).toBe('http://localhost:3000/call/K7QM4ZP2XWA9');
    expect(inviteLink('https://calls.example.org/', CODE)).toBe('https://calls.example.org/call/K7QM4ZP2XWA9');
    expect(inviteLink('https://example.org/peerdial/', CODE)).toBe('https://example.org/peerdial/call/K7QM4ZP2XWA9');
  });

  it('is null for a server address a browser could not open as a page', () => {
    expect(inviteLink('not a url', CODE)).toBeNull();
    expect(inviteLink('ws://localhost:3000', CODE)).toBeNull();
  });
});

describe('codeFromInvitePath', () => {
  it('reads the code the way a typed one is read: any case, dashes, look-alikes', () => {
    expect(codeFromInvitePath('/call/K7QM4ZP2XWA9')).toEqual({ kind: 'code', code: CODE });
    expect(codeFromInvitePath('/call/k7qm-4zp2-xwa9/')).toEqual({ kind: 'code', code: CODE });
    expect(codeFromInvitePath('/peerdial/call/K7QM%204ZP2%20XWA9')).toEqual({ kind: 'code', code: CODE });
  });

  it('tells a bare page from a link whose code is wrong', () => {
    expect(codeFromInvitePath('/call/')).toEqual({ kind: 'none' });
    expect(codeFromInvitePath('/call')).toEqual({ kind: 'none' });
    expect(codeFromInvitePath('/call/K7QM4ZP2XWA')).toEqual({ kind: 'malformed', text: 'K7QM4ZP2XWA' });
    expect(codeFromInvitePath('/call/%E0%A4%A')).toEqual({ kind: 'malformed', text: '%E0%A4%A' });
  });
});
