import type { UiState } from './keys.js';
import type { Line } from './text.js';

/** Every key, as `?` shows it (the README's key list is the same table). */
export const KEYS: readonly [keys: string, what: string][] = [
  ['↑ ↓  j k', 'move the cursor (in the detail pane: scroll)'],
  ['PgUp PgDn  g G', 'page up / down, first / last'],
  ['Tab  Shift-Tab', 'next / previous pane (connections, timeline, detail)'],
  ['Enter', 'open: connection → timeline → event detail; on a folded row: unfold'],
  ['Esc', 'back: detail → timeline → connections'],
  ['/', 'search payloads (Tab in the prompt switches text / regex)'],
  ['n  N', 'next / previous match'],
  ['f', 'timeline filter: all, data, control, tcp, findings'],
  ['t', 'time: relative, absolute, delta'],
  ['z', 'fold / unfold: keepalive and ACK runs, one-frame messages (JSON view: deep levels)'],
  ['p', 'payload view: text, JSON, hex'],
  ['s', 'sort connections: start, duration, messages, bytes'],
  ['a', 'list all TCP connections / only WebSocket ones'],
  ['e', "export the connection's JSON report (from the detail pane: the payload)"],
  ['?', 'this help'],
  ['q', 'quit'],
];

export const HELP_LINES: readonly Line[] = [
  [{ text: 'Keys', bold: true }],
  [],
  ...KEYS.map(([keys, what]): Line => [{ text: keys.padEnd(18), color: 'cyan' }, { text: what }]),
  [],
  [{ text: 'Timeline colours: ', bold: true }, { text: 'TCP ', color: 'gray' }, { text: 'keepalive ', color: 'yellow' }, { text: 'ping/pong ', color: 'cyan' }, { text: 'text ', color: 'green' }, { text: 'binary ', color: 'blueBright' }, { text: 'close', color: 'red' }],
  [{ text: '→ client to server, ← server to client; ! marks findings (red error, yellow warning)', color: 'gray' }],
  [],
  [{ text: 'Press ? or Esc to close this help.', color: 'gray' }],
];

/** The footer: the keys that matter on the focused pane. */
export function keyHints(state: UiState): string {
  switch (state.focus) {
    case 'connections':
      return `? help  q quit  j/k move  Enter open  Tab pane  s sort  a all TCP  / search  e export`;
    case 'timeline':
      return `? help  q quit  Enter detail  Esc back  t time  f filter  z fold  / search  n/N next  e export`;
    case 'detail':
      return `? help  q quit  j/k scroll  Esc back  p payload  z fold JSON  e export payload`;
  }
}
