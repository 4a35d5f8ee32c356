/**
 * Chromium as a guest (issue 19): the same calls as guest-firefox.test.ts,
 * from a plain Chromium page (no extension) driven by Playwright; what each
 * test proves is in support/guest-call-tests.ts.
 */
import { launchChromiumGuest } from './support/chromium-guest';
import { guestCallTests } from './support/guest-call-tests';

guestCallTests('Chromium', launchChromiumGuest);
