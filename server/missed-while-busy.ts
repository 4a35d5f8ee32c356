/**
 * A ring that finds its callee in another call answers "busy" to the caller; the callee hears of it too, to write
 * down as a missed call, so someone kept busy knows who tried. Each caller's rings are held to the ring-pair limit
 * before they get here; the callee's own bound stops many callers together from filling the list.
 */
import type { SignalingContext } from './context';
import { deliver } from './context';

export async function tellMissedWhileBusy(context: SignalingContext, caller: string, callee: string, name: string | undefined): Promise<void> {
  if (!(await context.limits.missedWhileBusy(callee))) return;
  await deliver(context, callee, 'missed-while-busy', { from: caller, ...(name !== undefined && { name }) });
}
