/**
 * "Open call view": the popup closes as soon as the user clicks elsewhere; the
 * side panel stays beside the page they browse, so the call stays in sight.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n';

export function OpenCallView({ onProblem }: { onProblem(message: string): void }) {
  // sidePanel.open() must run inside the click's user gesture, so the window id is known before the click.
  const [windowId, setWindowId] = useState<number | null>(null);
  useEffect(() => {
    void chrome.windows.getCurrent().then((current) => setWindowId(current.id ?? null));
  }, []);

  const open = () => {
    if (windowId === null) return;
    chrome.sidePanel.open({ windowId }).catch((error: unknown) => {
      onProblem(t('callViewFailed', error instanceof Error ? error.message : String(error)));
    });
  };
  return (
    <button type="button" class="quiet" disabled={windowId === null} onClick={open}>
      {t('openCallView')}
    </button>
  );
}
