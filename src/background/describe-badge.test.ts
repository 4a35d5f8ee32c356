import { describe, expect, it } from 'vitest';
import type { CallState } from '../shared/call-state';
import { describeBadge } from './describe-badge';
import { NOT_SHARING, type ShareState } from '../shared/share-state';

const local = { mic: true, camera: true };
const active: CallState = { phase: 'active', role: 'caller', peer: 'K7QM4ZP2XWA9', callId: 'c', local, connectedAt: 0, remote: local, interruptedAt: null, peerOfflineAt: null };
const sharing: ShareState = { status: 'on', source: { kind: 'tab', tabId: 1, title: 'Docs' }, problem: null };

describe('the toolbar badge', () => {
  it('warns of a poor path during a call, and says nothing of quality that is good or fair', () => {
    expect(describeBadge(active, NOT_SHARING, 0, 'poor')).toMatchObject({ text: 'POOR', title: expect.stringMatching(/poor connection/) });
    expect(describeBadge(active, NOT_SHARING, 0, 'fair').text).toBe('LIVE');
    expect(describeBadge(active, NOT_SHARING, 0, null).text).toBe('LIVE');
  });

  it('puts unread messages before a poor path, and a poor path before sharing', () => {
    expect(describeBadge(active, NOT_SHARING, 3, 'poor').text).toBe('3');
    expect(describeBadge(active, sharing, 0, 'poor').text).toBe('POOR');
    expect(describeBadge(active, sharing, 0, 'good').text).toBe('SHR');
  });

  it('shows no quality outside an active call, whatever a late sample said', () => {
    expect(describeBadge({ phase: 'idle' }, NOT_SHARING, 0, 'poor').text).toBe('');
    expect(describeBadge({ phase: 'connecting', role: 'caller', peer: 'K7QM4ZP2XWA9', callId: 'c', local, since: 0 }, NOT_SHARING, 0, 'poor').text).toBe('…');
  });
});
