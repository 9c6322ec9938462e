namespace Surge.Hosting;

/// <summary>
/// The <c>/surge</c> page: a search box (a task id or an entity key), charts of the last 15 minutes, pools per silo,
/// the lists (dead letters, retrying, held, queued, running) with their actions, schedules, recent scaling decisions,
/// model versions, waves; it reads <c>/api/status</c> every two seconds. Its script is this assembly's
/// (<see cref="PageAssets"/>), nothing from elsewhere, so it works on an offline cluster. Its fetches are same-origin,
/// so the browser sends the basic credentials it signed in to this page with (<c>Surge:Http:Auth</c>).
/// </summary>
internal static class StatusPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Surge status</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
          h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
          table { border-collapse: collapse; } td, th { padding: .25rem .7rem; border-bottom: 1px solid #dde; text-align: right; }
          th { background: #f2f4f8; } td:first-child, th:first-child, td.text { text-align: left; }
          #updated { color: #667; }
          .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: .5rem 1.5rem; }
          .charts figure { margin: 0; } .charts figcaption { font-weight: 600; margin-bottom: .2rem; }
          .charts svg { width: 100%; height: 150px; background: #fafbfd; border: 1px solid #e4e7ee; }
          button.action { margin-right: .3rem; } .ok { color: #05734a; } .failed { color: #b42318; }
          #search { width: 24rem; } dialog { border: 1px solid #99a; border-radius: 6px; }
        </style>
        </head>
        <body>
        <h1>Surge <span id="updated">loading…</span></h1>
        <form id="search-form"><input id="search" placeholder="task id or entity key" aria-label="search"> <button>Find</button> <span id="search-result"></span></form>
        <table id="entity" hidden><thead><tr><th>seq</th><th>task</th><th>event</th><th>after</th><th>state</th><th>submitted</th><th>finished</th><th>error</th></tr></thead><tbody></tbody></table>
        <p id="action-result"></p>
        <dialog id="confirm"><form method="dialog"><p id="confirm-text"></p><button value="yes" id="confirm-yes">Confirm</button> <button value="no">Cancel</button></form></dialog>
        <h2>Last 15 minutes</h2>
        <!-- Cache hit %: the result cache's hit ratio goes here once /api/status carries it (cache_hit_ratio). -->
        <p>Result cache hits: <strong id="cache-hit">–</strong></p>
        <div class="charts">
          <figure><figcaption>Throughput (tasks/s)</figcaption><svg id="chart-throughput"></svg></figure>
          <figure><figcaption>Short pool sojourn (s)</figcaption><svg id="chart-short"></svg></figure>
          <figure><figcaption>Long pool sojourn (s)</figcaption><svg id="chart-long"></svg></figure>
          <figure><figcaption>Queue length</figcaption><svg id="chart-queue"></svg></figure>
          <figure><figcaption>Concurrency and replicas</figcaption><svg id="chart-concurrency"></svg></figure>
          <figure><figcaption>Routing accuracy (last 1,000)</figcaption><svg id="chart-accuracy"></svg></figure>
        </div>
        <h2>Pools</h2>
        <table id="pools"><thead><tr><th>silo</th><th>pool</th><th>queued</th><th>running</th><th>limit</th><th>min–max</th><th>completed</th><th>oldest wait ms</th></tr></thead><tbody></tbody></table>
        <p>Tasks completed: <strong id="completed">0</strong></p>
        <h2>Silos</h2>
        <table id="silos"><thead><tr><th>silo</th><th>routing</th><th>slots</th><th>model</th><th>routing accuracy (last 1,000)</th></tr></thead><tbody></tbody></table>
        <h2>Waves (latest 10; <code>surge wave status WAVE</code>)</h2>
        <table id="waves"><thead><tr><th>wave</th><th>flow</th><th>state</th><th>date</th><th>entities done</th><th>pending</th><th>running</th><th>finished</th><th>degraded</th><th>failed</th><th>makespan s</th></tr></thead><tbody></tbody></table>
        <h2>Held entity events (<span id="held-count">0</span>; the 20 oldest)</h2>
        <table id="held"><thead><tr><th>task</th><th>entity</th><th>event</th><th>held s</th></tr></thead><tbody></tbody></table>
        <h2>Dead letters (<span id="dead-count">0</span>; the 20 latest; <code>surge dead retry|purge</code>)</h2>
        <table id="dead"><thead><tr><th>task</th><th>type</th><th>attempts</th><th>failed at</th><th>last error</th></tr></thead><tbody></tbody></table>
        <h2>Tasks</h2>
        <p><select id="list-name" aria-label="list"><option value="dead-letters">dead letters</option><option value="retrying">retrying</option>
          <option value="held">held</option><option value="queued">queued</option><option value="running">running</option></select>
          <input id="list-type" placeholder="type (all)" aria-label="type"> <button id="list-prev">◀ previous</button> <button id="list-next">next ▶</button> <span id="list-page"></span></p>
        <table id="list"><thead><tr><th>task</th><th>type</th><th>state</th><th>attempts</th><th>since</th><th>error</th><th>actions</th></tr></thead><tbody></tbody></table>
        <h2>Schedules</h2>
        <table id="schedules"><thead><tr><th>name</th><th>cron</th><th>runs</th><th>last</th><th>next</th><th>actions</th></tr></thead><tbody></tbody></table>
        <h2>Recent autoscale decisions</h2>
        <table id="autoscale"><thead><tr><th>at</th><th>kind</th><th>pool</th><th>from</th><th>to</th><th>reason</th></tr></thead><tbody></tbody></table>
        <script src="surge/assets/surge.js"></script>
        <script>
        async function refresh() {
          try {
            const r = await fetch('api/status');
            if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
            const s = await r.json();
            fill('pools', s.pools.map(p => [cell(p.silo), cell(p.pool, true), cell(p.queued), cell(p.running), cell(p.limit),
              cell(`${p.min}–${p.max}`), cell(p.completed), cell(Math.round(p.oldest_wait_ms))]));
            fill('silos', s.silos.map(x => [cell(x.silo), cell(x.routing_mode, true), cell(x.max_concurrency), cell(x.model_version ?? 'baseline', true),
              cell(x.routing_accuracy == null ? '–' : `${(100 * x.routing_accuracy).toFixed(1)} %`)]));
            fill('autoscale', s.autoscale.map(d => [cell(new Date(d.at).toLocaleTimeString()), cell(d.kind, true), cell(d.target?.pool ?? ''), cell(d.from), cell(d.to), cell(d.reason, true)]));
            fill('waves', s.waves.map(w => [cell(w.wave), cell(w.flow, true), cell(w.state, true), cell(w.date, true), cell(`${w.entities_done} / ${w.entities}`),
              cell(w.pending), cell(w.running), cell(w.finished), cell(w.degraded), cell(w.failed), cell(w.makespan_s == null ? '–' : w.makespan_s.toFixed(1))]));
            fill('held', s.held.map(h => [cell(h.id), cell(h.entity ?? '', true), cell(h.event ?? '', true), cell(h.held_s.toFixed(1))]));
            fill('dead', s.dead_letters.map(d => [link(`surge/tasks/${encodeURIComponent(d.id)}`, d.id), cell(d.type, true), cell(d.attempts), cell(d.failed_at ? new Date(d.failed_at).toLocaleTimeString() : ''), cell(d.error ?? '', true)]));
            document.getElementById('held-count').textContent = s.held_count;
            document.getElementById('dead-count').textContent = s.dead_letter_count;
            document.getElementById('completed').textContent = s.pools.reduce((n, p) => n + p.completed, 0);
            if (s.cache_hit_ratio != null) document.getElementById('cache-hit').textContent = `${(100 * s.cache_hit_ratio).toFixed(1)} %`;
            document.getElementById('updated').textContent = `updated ${new Date(s.at).toLocaleTimeString()}`;
          } catch (e) {
            document.getElementById('updated').textContent = `cannot read /api/status: ${e}`;
          }
        }
        const quietly = f => () => f().catch(() => {}); // a list or chart that cannot load now is retried at the next tick
        document.getElementById('search-form').onsubmit = search;
        document.getElementById('list-name').onchange = quietly(refreshList);
        document.getElementById('list-type').onchange = quietly(refreshList);
        document.getElementById('list-next').onclick = listNext;
        document.getElementById('list-prev').onclick = listPrev;
        refresh(); setInterval(refresh, 2000);
        quietly(refreshCharts)(); setInterval(quietly(refreshCharts), 5000);
        quietly(refreshList)(); setInterval(quietly(refreshList), 5000);
        quietly(refreshSchedules)(); setInterval(quietly(refreshSchedules), 10000);
        </script>
        </body>
        </html>
        """;
}
