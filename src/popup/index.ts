import '../i18n/browser-catalog';
import { localizePage } from '../i18n/localize-page';
import { cachedOwnCode } from './cached-code';
import { keepCaptureWarm } from './warm-capture';

// The page's own markup is the first frame; this script and the modules above are all it waits for. Preact and the
// rest of the popup load after, and take over the same elements.
localizePage();
const code = cachedOwnCode();
if (code) {
  document.querySelector<HTMLInputElement>('#own-code')!.value = code;
  document.getElementById('cached-code')!.hidden = false;
}
void import('./live-view').then(({ showLiveView }) => {
  showLiveView(document.getElementById('app')!);
  // After the first render, which the popup's opening waits on.
  keepCaptureWarm();
});
