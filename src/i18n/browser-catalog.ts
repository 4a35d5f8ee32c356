/**
 * The extension's words come from the browser's i18n. Imported first by each
 * extension page and the worker, so the catalog is in place before any module
 * says anything.
 *
 * Called as `chrome.i18n` rather than through webextension-polyfill: the call
 * is synchronous and the polyfill passes it through unchanged.
 */
import { useCatalog } from '../shared/wording';

useCatalog((key, substitutions) => chrome.i18n.getMessage(key, substitutions));
