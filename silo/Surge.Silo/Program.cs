using Surge.Hosting;
using Surge.Silo;

var (siloArgs, demo) = Demo.TakeFlag(args);
var builder = WebApplication.CreateBuilder(siloArgs);
builder.AddSurgeSilo();
builder.AddSurgeHttp();
if (demo) builder.AddSurgeDemo();

var app = builder.Build();
app.MapSurgeEndpoints();
await app.RunAsync();
