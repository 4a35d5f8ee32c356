/** The guest page: anyone with an invite link calls a PeerDial user from any browser. */
import { render } from 'preact';
import { englishCatalog } from '../i18n/bundled-catalog';
import { useCatalog } from '../shared/wording';

useCatalog(englishCatalog);
render(<h1>PeerDial</h1>, document.getElementById('app')!);
