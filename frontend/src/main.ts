import './style.css';
import { type Action, bindButtons, bindKeys } from './actions/actions';
import { Store } from './model/store';
import { frameScheduler } from './render/frame';
import { findHeader, renderHeader } from './render/header';
import { Connection, socketUrl } from './transport/socket';

// Wiring only: the model holds state, transport feeds it, render draws it, actions change it.
const store = new Store();
const header = findHeader(document);
const paint = frameScheduler(() => renderHeader(header, store.state));
store.subscribe(paint);

const connection = new Connection({
  url: socketUrl(window.location),
  onEvent: (event) => store.dispatch(event),
});

const actions: readonly Action[] = [
  { name: 'reconnect', label: 'Reconnect', key: 'r', perform: () => connection.reconnect() },
];
bindKeys(document, actions);
bindButtons(document, actions);

renderHeader(header, store.state);
connection.open();
