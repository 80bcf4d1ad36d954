// The preview page's one script (sent with the CSP nonce): table filter and column sort, summary links
// that open their section, and — only when the page has buttons — the user's choice posted back. Plain
// ES2020 in a string: the webview loads nothing else. Sorting reads data-v (the raw value) when a cell
// has one, else its text; numbers compare as numbers, text by code point, ties keep the current order.
export const PREVIEW_SCRIPT = `
(() => {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  for (const b of document.querySelectorAll('button[data-choice]')) {
    b.addEventListener('click', () => vscode && vscode.postMessage({ type: 'choice', choice: b.dataset.choice }));
  }
  for (const c of document.querySelectorAll('input[data-choice]')) {
    c.addEventListener('change', () => vscode && vscode.postMessage({ type: 'choice', choice: c.dataset.choice }));
  }
  for (const a of document.querySelectorAll('a[data-open]')) {
    a.addEventListener('click', () => { const d = document.getElementById(a.dataset.open); if (d) d.open = true; });
  }
  const value = (row, k, numeric) => {
    const cell = row.cells[k];
    const raw = cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent;
    return numeric ? (raw === '' ? -Infinity : Number(raw)) : raw;
  };
  for (const th of document.querySelectorAll('th[data-sort]')) {
    th.addEventListener('click', () => {
      const table = th.closest('table');
      const body = table.tBodies[0];
      const k = th.cellIndex;
      const numeric = th.dataset.sort === 'num';
      const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      for (const other of table.querySelectorAll('th[data-sort]')) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      const rows = Array.from(body.rows).map((row, i) => ({ row, i, v: value(row, k, numeric) }));
      rows.sort((a, b) => (a.v < b.v ? -dir : a.v > b.v ? dir : a.i - b.i));
      const frag = document.createDocumentFragment(); // not append(...rows): 100,000+ arguments overflow the stack
      for (const r of rows) frag.appendChild(r.row);
      body.appendChild(frag);
    });
  }
  // Rows past the first ones arrive as JSON: appended in chunks after the first paint, or at once when
  // the user sorts or filters before they are all in.
  const pending = new Map();
  for (const block of document.querySelectorAll('script.more-rows')) {
    const section = block.closest('.repo');
    pending.set(section, { rows: JSON.parse(block.textContent), classes: block.dataset.classes.split(' '), next: 0 });
  }
  // A row is [class, name, reason, cell…]; a cell is its text or [text, sort value, title].
  const build = (data, classes) => {
    const tr = document.createElement('tr');
    tr.className = data[0];
    tr.dataset.name = data[1];
    tr.dataset.reason = data[2];
    for (let k = 3; k < data.length; k++) {
      const cell = data[k];
      const td = document.createElement('td');
      if (classes[k - 3]) td.className = classes[k - 3];
      if (Array.isArray(cell)) {
        if (cell[1] !== null) td.dataset.v = cell[1];
        if (cell[2] !== null) td.title = cell[2];
        td.textContent = cell[0];
      } else td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  };
  const appendRows = (section, max) => {
    const p = pending.get(section);
    if (!p) return true;
    const frag = document.createDocumentFragment();
    const end = Math.min(p.rows.length, p.next + max);
    for (; p.next < end; p.next++) frag.appendChild(build(p.rows[p.next], p.classes));
    section.querySelector('tbody').appendChild(frag);
    if (p.next >= p.rows.length) { pending.delete(section); return true; }
    return false;
  };
  const complete = (section) => { appendRows(section, Infinity); };
  const step = () => {
    for (const section of Array.from(pending.keys())) appendRows(section, 1000);
    if (pending.size > 0) setTimeout(step, 0);
  };
  requestAnimationFrame(() => setTimeout(step, 0));
  for (const th of document.querySelectorAll('th[data-sort]')) {
    th.addEventListener('click', () => complete(th.closest('.repo')), true);
  }
  for (const input of document.querySelectorAll('input.filter')) {
    const section = input.closest('.repo');
    const shown = section.querySelector('.shown');
    input.addEventListener('input', () => {
      complete(section);
      const f = input.value.trim().toLowerCase();
      let n = 0;
      for (const row of section.querySelectorAll('tbody tr')) {
        const hit = f === '' || row.dataset.name.toLowerCase().includes(f);
        row.hidden = !hit;
        if (hit) n++;
      }
      shown.textContent = shown.dataset.template.replace('{0}', String(n));
    });
  }
})();
`;
