import { render } from 'preact';
import { App } from './App.js';
import { initToken } from './api.js';
import { startClock, stats } from './clock.js';
import { startLive } from './live.js';
import { agentStore } from './store.js';
import './styles.css';

initToken();
startClock();
startLive();
render(<App />, document.getElementById('app')!);

// Counters for performance checks (tests and the browser console).
(window as unknown as { __switchboard: unknown }).__switchboard = {
  stats,
  agents: () => agentStore.agents.size,
};
