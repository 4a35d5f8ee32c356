/**
 * Unit tests run outside the browser, with no i18n of its own: they get the
 * bundled English catalog, with the browser's rules, and so read the same
 * words a person sees.
 */
import { englishCatalog } from '../../src/i18n/bundled-catalog';
import { useCatalog } from '../../src/shared/wording';

useCatalog(englishCatalog);
