import '../i18n/browser-catalog';
import { render } from 'preact';
import { cachedOwnCode } from './cached-code';
import { Starting } from './Starting';

const root = document.getElementById('app')!;
// The first frame needs only Preact and the cached code; the rest of the popup loads meanwhile and takes over.
render(<Starting code={cachedOwnCode()} />, root);
void import('./App').then(({ App }) => render(<App />, root));
