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
try
{
    await app.RunAsync();
}
catch (Exception e) when (Surge.Hosting.Redis.RedisStartupException.In(e) is { } unreachable)
{
    // Said once, as the reason, rather than as an unhandled exception's trace and an abort.
    Console.Error.WriteLine($"surge silo: {unreachable.Message}");
    return 1;
}
return 0;
