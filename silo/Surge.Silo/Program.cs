using Surge.Hosting;
using Surge.Silo;

var (siloArgs, demo) = Demo.TakeFlag(args);
// appsettings.json beside the program, wherever it is started from
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = siloArgs, ContentRootPath = AppContext.BaseDirectory });
builder.AddSurgeSilo();
builder.AddSurgeHttp();
if (demo) builder.AddSurgeDemo();

var app = builder.Build();
app.MapSurgeEndpoints();
return await app.RunSurgeAsync(); // exit 1 with one line if Redis stays away for Surge:Redis:StartupTimeout
