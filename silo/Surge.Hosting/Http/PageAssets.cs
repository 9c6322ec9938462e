namespace Surge.Hosting;

/// <summary>
/// The status pages' one script (<c>/surge/assets/surge.js</c>), in the assembly so the pages work offline: tables,
/// search, lists with keyset paging, actions behind a confirm step, and SVG line charts drawn here rather than by a
/// chart library (six small charts need a hundred lines, not a dependency or a build step).
/// </summary>
internal static class PageAssets
{
    public const string Script = """
        'use strict';
        const root = location.pathname.replace(/\/surge(\/.*)?$/, '');
        const url = path => `${root}${path}`;
        const esc = s => encodeURIComponent(s);
        const cell = (v, text) => { const td = document.createElement('td'); td.textContent = v ?? ''; if (text) td.className = 'text'; return td; };
        const link = (href, text) => { const td = document.createElement('td'); td.className = 'text'; const a = document.createElement('a'); a.href = href; a.textContent = text; td.append(a); return td; };
        const fill = (id, rows) => { const body = document.querySelector(`#${id} tbody`); body.replaceChildren(...rows.map(cells => {
          const tr = document.createElement('tr'); tr.append(...cells); return tr; })); };
        const time = t => t ? new Date(t).toLocaleTimeString() : '';
        async function getJson(path) {
          const r = await fetch(url(path));
          if (r.status === 404) return null;
          if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
          return r.json();
        }

        // Actions: a confirm step on the page, then a POST with the header the silo asks of every action (no other
        // site's page can send it).
        function confirmAction(text) {
          const dialog = document.getElementById('confirm');
          document.getElementById('confirm-text').textContent = text;
          return new Promise(resolve => {
            dialog.onclose = () => resolve(dialog.returnValue === 'yes');
            dialog.showModal();
          });
        }
        async function act(label, path, done) {
          if (!await confirmAction(`${label}?`)) return;
          const r = await fetch(url(path), { method: 'POST', headers: { 'X-Surge-Action': 'confirm' } });
          const body = await r.json().catch(() => ({}));
          const out = document.getElementById('action-result');
          out.textContent = r.ok ? `${label}: done` : `${label}: ${body.detail ?? r.status}`;
          out.className = r.ok ? 'ok' : 'failed';
          if (done) done();
        }
        function button(text, label, path, done) {
          const b = document.createElement('button'); b.textContent = text; b.className = `action ${text.toLowerCase()}`;
          b.onclick = () => act(label, path, done); return b;
        }
        const actions = (...buttons) => { const td = document.createElement('td'); td.className = 'text'; td.append(...buttons); return td; };

        // Charts: one SVG per chart, a polyline and a dot per sample for each series, the y axis from 0 to the largest value.
        const colors = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed'];
        function chart(id, points, series, unit) {
          const svg = document.getElementById(id);
          const W = 440, H = 150, L = 46, B = 20, T = 8;
          const n = points.length;
          const values = series.flatMap(s => points.map(s.value)).filter(v => v != null && isFinite(v));
          const top = values.length ? Math.max(...values) : 0;
          const max = top > 0 ? top : 1;
          const x = i => L + (n <= 1 ? 0 : i * (W - L - 8) / (n - 1));
          const y = v => T + (H - T - B) * (1 - v / max);
          const ns = 'http://www.w3.org/2000/svg';
          const el = (name, attrs, text) => { const e = document.createElementNS(ns, name); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text != null) e.textContent = text; return e; };
          const parts = [el('line', { x1: L, y1: H - B, x2: W - 8, y2: H - B, stroke: '#99a' }), el('line', { x1: L, y1: T, x2: L, y2: H - B, stroke: '#99a' }),
            el('text', { x: L - 4, y: T + 8, 'text-anchor': 'end', 'font-size': 10 }, `${+max.toPrecision(3)}${unit}`),
            el('text', { x: L - 4, y: H - B, 'text-anchor': 'end', 'font-size': 10 }, '0')];
          if (n > 0) {
            parts.push(el('text', { x: L, y: H - 4, 'font-size': 10 }, time(points[0].at)), el('text', { x: W - 8, y: H - 4, 'text-anchor': 'end', 'font-size': 10 }, time(points[n - 1].at)));
          }
          series.forEach((s, k) => {
            const color = colors[k % colors.length];
            const pts = points.map((p, i) => [i, s.value(p)]).filter(([, v]) => v != null && isFinite(v));
            if (pts.length > 1) parts.push(el('polyline', { fill: 'none', stroke: color, 'stroke-width': 1.5, points: pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
            for (const [i, v] of pts) parts.push(el('circle', { class: 'point', cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 1.8, fill: color }, null));
            parts.push(el('text', { x: L + 6 + k * 70, y: T + 10, 'font-size': 10, fill: color }, s.name));
          });
          svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
          svg.replaceChildren(...parts);
          svg.dataset.points = String(n);
        }
        async function refreshCharts() {
          const c = await getJson('/surge/api/charts');
          if (!c) return;
          const p = c.points;
          chart('chart-throughput', p, [{ name: 'tasks/s', value: q => q.throughput }], '/s');
          chart('chart-short', p, [{ name: 'p50', value: q => q.short_p50 }, { name: 'p95', value: q => q.short_p95 }, { name: 'p99', value: q => q.short_p99 }], ' s');
          chart('chart-long', p, [{ name: 'p50', value: q => q.long_p50 }, { name: 'p95', value: q => q.long_p95 }, { name: 'p99', value: q => q.long_p99 }], ' s');
          chart('chart-queue', p, [{ name: 'queued', value: q => q.queued }], '');
          chart('chart-concurrency', p, [{ name: 'running', value: q => q.running }, { name: 'slots', value: q => q.slots }, { name: 'replicas', value: q => q.replicas }], '');
          chart('chart-accuracy', p, [{ name: 'accuracy %', value: q => q.routing_accuracy == null ? null : 100 * q.routing_accuracy }], '%');
        }

        // Lists: a page at a time from the cursor the last page handed out.
        const list = { cursors: [null], name: 'dead-letters' };
        async function refreshList() {
          const name = document.getElementById('list-name').value;
          const type = document.getElementById('list-type').value.trim();
          if (name !== list.name || type !== list.type) { list.cursors = [null]; list.name = name; list.type = type; }
          const after = list.cursors[list.cursors.length - 1];
          const page = await getJson(`/surge/api/lists/${name}?limit=20${type ? `&type=${esc(type)}` : ''}${after ? `&after=${esc(after)}` : ''}`);
          if (!page) return;
          list.next = page.next;
          const dead = name === 'dead-letters';
          fill('list', page.rows.map(r => [link(url(`/surge/tasks/${esc(r.id)}`), r.id), cell(r.type, true), cell(r.state, true), cell(r.attempts),
            cell(time(r.at)), cell(r.error ?? '', true),
            dead ? actions(button('Retry', `Retry dead letter ${r.id}`, `/surge/actions/dead-letters/${esc(r.id)}/retry`, refreshList),
                           button('Purge', `Purge dead letter ${r.id}`, `/surge/actions/dead-letters/${esc(r.id)}/purge`, refreshList))
                 : actions(button('Cancel', `Cancel task ${r.id}`, `/surge/actions/tasks/${esc(r.id)}/cancel`, refreshList))]));
          document.getElementById('list-page').textContent = `page ${list.cursors.length}${page.missing_shards ? ` (${page.missing_shards} shards did not answer)` : ''}`;
          document.getElementById('list-next').disabled = !page.next;
          document.getElementById('list-prev').disabled = list.cursors.length === 1;
        }
        function listNext() { if (list.next) { list.cursors.push(list.next); refreshList(); } }
        function listPrev() { if (list.cursors.length > 1) { list.cursors.pop(); refreshList(); } }

        async function refreshSchedules() {
          const schedules = await getJson('/surge/api/schedules');
          if (!schedules) return;
          fill('schedules', schedules.map(s => [cell(s.name, true), cell(s.cron, true), cell(s.what, true), cell(time(s.last_fired)),
            cell(s.paused ? 'paused' : time(s.next_fire)),
            actions(button('Trigger', `Run schedule ${s.name} now`, `/surge/actions/schedules/${esc(s.name)}/trigger`, refreshSchedules),
                    s.paused ? button('Resume', `Resume schedule ${s.name}`, `/surge/actions/schedules/${esc(s.name)}/resume`, refreshSchedules)
                             : button('Pause', `Pause schedule ${s.name}`, `/surge/actions/schedules/${esc(s.name)}/pause`, refreshSchedules))]));
        }

        // Search: a task id opens its page; otherwise an entity key lists its events in order.
        async function search(event) {
          event?.preventDefault();
          const q = document.getElementById('search').value.trim();
          const out = document.getElementById('search-result');
          if (!q) return;
          if (await getJson(`/surge/api/tasks/${esc(q)}`)) { location.href = url(`/surge/tasks/${esc(q)}`); return; }
          const entity = await getJson(`/surge/api/entities/${esc(q)}`);
          if (!entity || entity.tasks.length === 0) { out.textContent = `no task and no entity '${q}'`; document.getElementById('entity').hidden = true; return; }
          const b = entity.book;
          out.textContent = `entity ${q}: ${entity.tasks.length} events in order` + (b ? `; running ${b.running ?? 'none'}, ${b.waiting_count} waiting${b.waiting.length ? ` (next: ${b.waiting[0]})` : ''}, ${b.handled_count} handled` : '');
          document.getElementById('entity').hidden = false;
          fill('entity', entity.tasks.map(t => [cell(t.sequence ?? ''), link(url(`/surge/tasks/${esc(t.id)}`), t.id), cell(t.event ?? '', true), cell(t.after ?? '', true),
            cell(t.state, true), cell(time(t.submitted_at)), cell(time(t.finished_at)), cell(t.error ?? '', true)]));
        }

        // A task's page.
        async function refreshTask() {
          const id = decodeURIComponent(location.pathname.split('/').pop());
          const d = await getJson(`/surge/api/tasks/${esc(id)}`);
          if (!d) { document.getElementById('title').textContent = `no task '${id}'`; return; }
          const s = d.status;
          document.getElementById('title').textContent = `${s.id} — ${s.state}`;
          const rows = [['type', s.type], ['state', s.state + (s.dead_lettered ? ' (dead letter)' : '') + (s.from_cache ? ' (from the result cache)' : '')],
            ['submitter', s.submitter ?? '—'], ['attempts', `${s.attempts} (recoveries ${s.recoveries})`], ['submitted', s.submitted_at],
            ['held until', s.entity && s.queued_at ? s.queued_at : '—'], ['queued', s.queued_at ?? '—'], ['started', s.started_at ?? '—'],
            ['finished', s.finished_at ?? '—'], ['next attempt', s.next_attempt_at ?? '—'], ['pool', s.pool ?? '—'],
            ['predicted / actual ms', `${s.predicted_ms == null ? '—' : s.predicted_ms.toFixed(0)} / ${s.actual_ms == null ? '—' : s.actual_ms.toFixed(0)}`],
            ['entity', s.entity ?? '—'], ['event', s.event ?? '—'], ['after (predecessor)', s.after ?? '—'], ['sequence', s.sequence ?? '—'],
            ['trace id', d.trace_id ?? '—'], ['error', s.error ?? '—']];
          fill('detail', rows.map(([k, v]) => [cell(k, true), cell(String(v), true)]));
          fill('attempts', s.history.map(a => [cell(a.attempt), cell(a.outcome, true), cell(a.pool ?? '', true), cell(a.silo ?? '', true), cell(time(a.started_at)),
            cell(time(a.finished_at)), cell(a.error ?? '', true)]));
          document.getElementById('result').textContent = d.result_text == null ? '—' : d.result_text + (d.result_cut ? '\n… (cut at 4 KB)' : '');
          const buttons = [];
          if (s.dead_lettered) buttons.push(button('Retry', `Retry dead letter ${s.id}`, `/surge/actions/dead-letters/${esc(s.id)}/retry`, refreshTask),
                                            button('Purge', `Purge dead letter ${s.id}`, `/surge/actions/dead-letters/${esc(s.id)}/purge`, refreshTask));
          else if (!['succeeded', 'failed', 'cancelled'].includes(s.state)) buttons.push(button('Cancel', `Cancel task ${s.id}`, `/surge/actions/tasks/${esc(s.id)}/cancel`, refreshTask));
          document.getElementById('task-actions').replaceChildren(...buttons);
        }
        """;
}
