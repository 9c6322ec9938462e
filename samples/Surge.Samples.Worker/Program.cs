using Surge.Hosting;
using Surge.Samples.Worker;

// appsettings.json beside the program, wherever it is started from (the chart mounts appsettings.Production.json there)
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddSurgeSilo(workers => workers.AddHandler<ResizeHandler>());
builder.AddSurgeHttp(); // /health and /ready for the chart's probes, /metrics, /surge, /dashboard, /api/tasks
builder.AddThumbnailStore();

var app = builder.Build();
app.MapSurgeEndpoints();
return await app.RunSurgeAsync(); // exit 1 with one line if Redis stays away for Surge:Redis:StartupTimeout
