import { render } from 'preact';
import { CallView } from './CallView';
import { t } from '../shared/i18n';

document.title = t('callViewTitle');
render(<CallView />, document.getElementById('app')!);
