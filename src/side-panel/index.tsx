import '../i18n/browser-catalog';
import { render } from 'preact';
import { CallView } from './CallView';
import { t } from '../shared/wording';

document.title = t('callViewTitle');
render(<CallView />, document.getElementById('app')!);
