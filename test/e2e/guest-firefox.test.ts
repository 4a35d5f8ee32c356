/**
 * Firefox as a guest (issue 19): a person with only an invite link calls a
 * PeerDial user from Firefox. Debian's firefox-esr under puppeteer-core over
 * WebDriver BiDi (support/firefox.ts) calls the extension in Chromium; what
 * each test proves is in support/guest-call-tests.ts, shared with the
 * Chromium guest.
 */
import { launchFirefox } from './support/firefox';
import { guestCallTests } from './support/guest-call-tests';

guestCallTests('Firefox', launchFirefox);
