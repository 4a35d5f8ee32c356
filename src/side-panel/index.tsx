import { render } from 'preact';
import { CallView } from './CallView';

render(<CallView />, document.getElementById('app')!);
