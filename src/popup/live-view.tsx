import { render } from 'preact';
import { App } from './App';

/** The popup as the worker's view draws it, over the page's first frame, whose elements Preact reuses where they match. */
export function showLiveView(root: HTMLElement): void {
  render(<App />, root);
}
