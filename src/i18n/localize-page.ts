/**
 * Static extension pages name their text by key (`data-i18n="key"`, and
 * `data-i18n-title` on <html> for the tab title); this fills them in from the
 * catalog when the page's script starts. The English in the HTML is what shows
 * for the instant before, and what a reader of the markup sees.
 */
import { type MessageKey, t } from '../shared/wording';

export function localizePage(root: Document = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) element.textContent = t(element.dataset.i18n as MessageKey);
  const title = root.documentElement.dataset.i18nTitle;
  if (title) root.title = t(title as MessageKey);
  root.documentElement.lang = t('@@ui_locale' as MessageKey).replace('_', '-');
}
