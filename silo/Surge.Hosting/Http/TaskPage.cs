namespace Surge.Hosting;

/// <summary>
/// <c>/surge/tasks/{id}</c>: one task's whole status (timings, pool predicted against actual, entity and predecessor,
/// its latest attempts with their errors, its result cut at 4 KB, its trace id, who submitted it) and its actions,
/// refreshed every two seconds. The id is read from the address by the script, so the page itself is the same for
/// every task and holds no data.
/// </summary>
internal static class TaskPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Surge task</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
          h1 { font-size: 1.2rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
          table { border-collapse: collapse; } td, th { padding: .25rem .7rem; border-bottom: 1px solid #dde; text-align: right; }
          th { background: #f2f4f8; } td:first-child, th:first-child, td.text { text-align: left; }
          pre { background: #f6f8fa; padding: .6rem; max-width: 60rem; overflow: auto; }
          button.action { margin-right: .3rem; } .ok { color: #05734a; } .failed { color: #b42318; }
          dialog { border: 1px solid #99a; border-radius: 6px; }
        </style>
        </head>
        <body>
        <p><a href="../../surge">← Surge</a></p>
        <h1 id="title">loading…</h1>
        <p id="task-actions"></p>
        <p id="action-result"></p>
        <dialog id="confirm"><form method="dialog"><p id="confirm-text"></p><button value="yes" id="confirm-yes">Confirm</button> <button value="no">Cancel</button></form></dialog>
        <table id="detail"><tbody></tbody></table>
        <h2>Attempts (the latest 10)</h2>
        <table id="attempts"><thead><tr><th>#</th><th>outcome</th><th>pool</th><th>silo</th><th>started</th><th>finished</th><th>error</th></tr></thead><tbody></tbody></table>
        <h2>Result</h2>
        <pre id="result"></pre>
        <script src="../assets/surge.js"></script>
        <script>
        const tick = () => refreshTask().catch(e => { document.getElementById('title').textContent = `cannot read the task: ${e}`; });
        tick(); setInterval(tick, 2000);
        </script>
        </body>
        </html>
        """;
}
