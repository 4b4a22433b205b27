// Server-Sent Events over fetch(): the session cookie goes with it, or a service
// account's token in the Authorization header (never in the URL, which ends up in logs).
// The service ends the stream when the session does; reconnecting then answers 401.
// Reconnects by itself and resumes with Last-Event-ID.
import { authHeaders } from './api.js';

export class EventStream {
  constructor(url, { onEvent, onState }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState || (() => {});
    this.lastId = null;
    this.retryMs = 2000;
    this.controller = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.loop();
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async loop() {
    while (!this.stopped) {
      this.onState('connecting');
      try {
        await this.once();
      } catch (exc) {
        if (this.stopped) return;
        if (exc && exc.status === 401) {
          this.onState('unauthorized');
          return;
        }
      }
      if (this.stopped) return;
      this.onState('lost');
      await new Promise((resolve) => setTimeout(resolve, this.retryMs));
    }
  }

  async once() {
    this.controller = new AbortController();
    const headers = authHeaders({ Accept: 'text/event-stream' });
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    const response = await fetch(this.url, {
      headers, signal: this.controller.signal, cache: 'no-store',
    });
    if (!response.ok) {
      const error = new Error(`HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, cut);
        buffer = buffer.slice(cut + (buffer[cut] === '\r' ? 2 : 1));
        if (line === '') {
          if (event.data.length || event.event) this.dispatch(event);
          event = { data: [] };
        } else if (line.startsWith(':')) {
          if (line.startsWith(': connected')) this.onState('open');
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(text);
          else if (field === 'event') event.event = text;
          else if (field === 'id') event.id = text;
          else if (field === 'retry' && /^\d+$/.test(text)) this.retryMs = Number(text);
        }
      }
    }
  }

  dispatch(event) {
    if (event.id) this.lastId = event.id;
    let data = null;
    try {
      data = JSON.parse(event.data.join('\n'));
    } catch {
      data = event.data.join('\n');
    }
    this.onEvent(event.event || 'message', data, event.id);
  }
}
