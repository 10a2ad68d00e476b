// Baton dashboard: applies the server's live updates to the page. No framework and no build step: the server
// renders every fragment (escaped), this script only puts them in place.
//
// A page that wants live updates names its stream in <body data-stream="...">. The stream sends:
//   patch  [{id, html}]  replace the element with that id by the server's new rendering of it
//   log    [{hostName, event, stream, text}]  append hook output lines to the log viewer (#log)
'use strict';

(function () {
  const url = document.body.dataset.stream;
  if (!url || !window.EventSource) return;

  const source = new EventSource(url);
  source.addEventListener('patch', (message) => {
    for (const { id, html } of JSON.parse(message.data)) {
      const element = document.getElementById(id);
      if (element) element.outerHTML = html;
    }
  });
  source.addEventListener('log', (message) => appendLog(JSON.parse(message.data)));
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', () => setLive(false));

  function setLive(live) {
    const indicator = document.getElementById('live');
    if (!indicator) return;
    indicator.textContent = live ? 'live' : 'reconnecting…';
    indicator.classList.toggle('live-off', !live);
  }

  function appendLog(lines) {
    const log = document.getElementById('log');
    if (!log) return;
    // Follow the output only when the reader is already at the bottom, so scrolling back is not interrupted.
    const following = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    document.getElementById('log-empty')?.remove();
    for (const line of lines) {
      const row = document.createElement('span');
      row.className = line.stream === 'stderr' ? 'log-line log-stderr' : 'log-line';
      const prefix = document.createElement('span');
      prefix.className = 'log-prefix';
      prefix.textContent = `${line.hostName} ${line.event} `;
      row.append(prefix, document.createTextNode(`${line.text}\n`));
      log.append(row);
    }
    if (following) log.scrollTop = log.scrollHeight;
  }
})();
