/**
 * A person's block list, replaced whole on each change (see server/block-lists.ts for why the server holds it only
 * while the code is online). The schema has bounded and checked every code already.
 */
import type { Result, SetBlockedRequest } from '../src/shared/protocol';
import type { SignalingContext } from './context';
import type { PeerSocket } from './signaling-server';

export function setBlocked(context: SignalingContext) {
  return async (socket: PeerSocket, { codes }: SetBlockedRequest): Promise<Result> => {
    await context.blocks.set(socket.data.code!, socket.id, codes);
    return { ok: true };
  };
}
