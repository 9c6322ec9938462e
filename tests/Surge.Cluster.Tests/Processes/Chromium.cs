using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Processes;

/// <summary>Debian's headless Chromium driven by Playwright (never <c>playwright install</c>), signed in to the silo process, and screenshots under artifacts/screenshots.</summary>
internal static class Chromium
{
    public static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    // Playwright's driver is a process of its own: one for the test run, shared by every browser, rather than one
    // started (and never stopped) per launch. It ends with the test process, whose pipes it reads.
    private static readonly Lazy<Task<IPlaywright>> Driver = new(Playwright.CreateAsync);

    public static async Task<IBrowser> LaunchAsync()
    {
        var chromium = new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("chromium is not installed; ./test.sh installs it (apt-get install chromium)");
        return await (await Driver.Value).Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>What the browser has once the person typed the user and password into its prompt for this origin.</summary>
    public static async Task<IPage> SignedInPageAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = SiloProcessFixture.User, Password = SiloProcessFixture.Password },
        });
        return await context.NewPageAsync();
    }

    public static async Task SaveAsync(IPage page, string name, ITestOutputHelper output)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}

/// <summary>One headless Chromium for a test class: launching it costs about two seconds.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await Browser.DisposeAsync();
}
