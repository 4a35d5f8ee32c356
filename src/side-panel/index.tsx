import { render } from 'preact';
import { CallView } from './CallView';
import { t } from '../i18n/translate';

document.title = t('callViewTitle');
render(<CallView />, document.getElementById('app')!);
