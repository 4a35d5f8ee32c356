/**
 * The steps of a call's set-up, as performance marks in the worker and the
 * offscreen document: `npm run bench` reads them for its breakdown of where
 * the time goes. A mark costs nothing when nobody reads it. In the offscreen
 * document (new for every call) only the first of each counts: a
 * renegotiation later is not set-up. The worker lives across calls, so its
 * marks are cleared when a call starts.
 */
export type SetupStep =
  // The worker: the user's Accept arrived, went to the server (the prepared answer in it), and the server took it.
  | 'accept-received'
  | 'accept-sent'
  | 'accept-taken'
  // The caller's worker: the server's word of the accept, with the answer in it, arrived.
  | 'accepted-arrived'
  | 'answer-arrived'
  // The offscreen document: the camera in hand (a callee's from its ring preview), then capture done, microphone and all.
  | 'camera-captured'
  | 'captured'
  | 'pc-created'
  | 'offer-applied'
  | 'answer-created'
  | 'answer-sent'
  | 'answer-received'
  | 'ice-connected'
  | 'connected'
  | 'first-audio'
  | 'first-video';

export const SETUP_MARK_PREFIX = 'peerdial:setup:';

export function markSetupStep(step: SetupStep): void {
  const name = SETUP_MARK_PREFIX + step;
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/** Forgets the marks of an earlier call (the worker outlives calls). */
export function clearSetupMarks(): void {
  for (const entry of performance.getEntriesByType('mark')) if (entry.name.startsWith(SETUP_MARK_PREFIX)) performance.clearMarks(entry.name);
}
