// The dashboard's entry: styles, the session check, the page.
import { render } from 'preact';
import { App } from './app.tsx';
import { loadSession } from './state/session.ts';
import './styles/index.css';

void loadSession();
render(<App />, document.getElementById('app') as HTMLElement);
