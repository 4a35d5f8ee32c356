/**
 * "Open call view": the popup closes as soon as the user clicks elsewhere; the
 * side panel stays beside the page they browse, so the call stays in sight.
 */
import { t } from '../shared/wording';
import { openCallView, useWindowId } from './call-view-panel';

export function OpenCallView({ onProblem }: { onProblem: (message: string) => void }) {
  const windowId = useWindowId();
  return (
    <button type="button" class="quiet" disabled={windowId === null} onClick={() => openCallView(windowId, onProblem)}>
      {t('openCallView')}
    </button>
  );
}
