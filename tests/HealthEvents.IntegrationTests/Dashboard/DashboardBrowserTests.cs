using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.Storage;
using HealthEvents.IntegrationTests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace HealthEvents.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard as a person sees it, in headless Chromium (Debian's, through its ChromeDriver):
/// the summary, badges and verdicts per node, budget use, only the key's own tenant, a change made
/// at Meta appearing live; and a space of 10,000 nodes filtered, searched and opened on a node's
/// timeline. Saves screenshots under the test output.
/// </summary>
public class DashboardBrowserTests
{
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tenant_sees_its_summary_nodes_verdicts_and_budget_and_a_change_at_Meta_appears_in_the_feed()
    {
        RequireBrowser();
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var api = new ApiClient(h.HttpAddress);
        foreach (var query in new[]
        {
            $"CustSpaceId=alpha&NodeType=waba&WabaId={TestScenarios.AlphaWaba}",
            $"CustSpaceId=alpha&NodeType=phone&WabaId={TestScenarios.AlphaWaba}&PhoneNumberId={TestScenarios.AlphaPhone}",
            $"CustSpaceId=alpha&NodeType=template&WabaId={TestScenarios.AlphaWaba}&TemplateId={TestScenarios.AlphaTemplate}",
        })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/v1/health-status?" + query)).Status);
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync($"/v1/health-status?CustSpaceId=beta&NodeType=waba&WabaId={TestScenarios.BetaWaba}", ApiClient.BetaKey)).Status);

        using var browser = StartChromium();
        var wait = Waiting(browser);
        Connect(browser, h.HttpAddress, ApiClient.AlphaKey);

        var template = wait.Until(d => d.FindElements(By.CssSelector($"#nodes tr[data-node='{TestScenarios.AlphaTemplate}']")).FirstOrDefault());
        wait.Until(d => Count(d, "Nodes") == "3");
        Assert.Equal(("1", "1", "1"), (Count(browser, "BLOCKED"), Count(browser, "LIMITED"), Count(browser, "AVAILABLE")));
        // Most severe first.
        Assert.Equal([TestScenarios.AlphaTemplate, TestScenarios.AlphaPhone, TestScenarios.AlphaWaba],
            browser.FindElements(By.CssSelector("#nodes tbody tr[data-node]")).Select(r => r.GetAttribute("data-node")));
        Assert.Equal("BLOCKED", Badge(browser, TestScenarios.AlphaTemplate).Text);
        Assert.Contains("badge-blocked", Badge(browser, TestScenarios.AlphaTemplate).GetAttribute("class"), StringComparison.Ordinal);
        Assert.Equal("LIMITED", Badge(browser, TestScenarios.AlphaPhone).Text);
        Assert.Equal("AVAILABLE", Badge(browser, TestScenarios.AlphaWaba).Text);
        // The campaign verdict with its reasons (Meta's error and possible solution), and the readiness it reads.
        Assert.Equal("Stop", Verdict(browser, TestScenarios.AlphaTemplate).Text);
        var campaign = template.FindElement(By.CssSelector(".campaign")).Text;
        Assert.Contains("TemplateNotApproved: The template is PENDING", campaign, StringComparison.Ordinal);
        Assert.Contains("Edit or appeal the message template review decision.", campaign, StringComparison.Ordinal);
        Assert.Equal("Hold", Verdict(browser, TestScenarios.AlphaPhone).Text);
        Assert.Contains("Your display name has not been approved yet",
            browser.FindElement(By.CssSelector($"tr[data-node='{TestScenarios.AlphaPhone}'] .campaign")).Text, StringComparison.Ordinal);
        Assert.Equal("Go", Verdict(browser, TestScenarios.AlphaWaba).Text);
        var phoneReadiness = browser.FindElement(By.CssSelector($"tr[data-node='{TestScenarios.AlphaPhone}'] .readiness")).Text;
        Assert.Contains("Quality: GREEN", phoneReadiness, StringComparison.Ordinal);
        Assert.Contains("Limit: TIER_10K", phoneReadiness, StringComparison.Ordinal);
        Assert.EndsWith(" / 5", browser.FindElement(By.CssSelector("#spaces tr[data-space='alpha'] .calls-second")).Text, StringComparison.Ordinal);
        // A check that joined another's call can still be parked for a moment after the answer the API
        // returned (its copy comes back and is answered from the store): the count drops to 0 by the next poll.
        wait.Until(d => d.FindElement(By.CssSelector("#spaces tr[data-space='alpha'] .parked")).Text == "0");
        Assert.Equal(3, browser.FindElements(By.CssSelector("#charts figure[data-chart] svg")).Count);
        Assert.Empty(browser.FindElements(By.CssSelector("#spaces tr[data-space='beta']")));
        Assert.Empty(browser.FindElements(By.CssSelector($"tr[data-node='{TestScenarios.BetaWaba}']")));
        wait.Until(d => d.FindElements(By.CssSelector($"#feed li[data-node='{TestScenarios.AlphaTemplate}'][data-version='1']")).Count == 1);

        // Meta approves the template and says so with a webhook: the page shows it without a reload.
        h.Simulator.Webhooks.Subscribe(new WebhookSettings { Url = new Uri(h.HttpAddress, "/webhooks/meta").ToString(), AppSecret = ApiClient.AppSecret });
        h.Simulator.State.SetHealth(TestScenarios.AlphaTemplate, new NodeHealth { CanSendMessage = "AVAILABLE" });
        var change = wait.Until(d => d.FindElements(By.CssSelector($"#feed li[data-node='{TestScenarios.AlphaTemplate}'][data-version='2']")).FirstOrDefault());
        Assert.Contains("BLOCKED → AVAILABLE", change.Text, StringComparison.Ordinal);
        wait.Until(d => Badge(d, TestScenarios.AlphaTemplate).Text == "AVAILABLE");
        // No longer blocked, still waiting for Meta's review.
        Assert.Equal("Hold", Verdict(browser, TestScenarios.AlphaTemplate).Text);

        // Meta throttles the WABA for five minutes: a check queued now shows as waiting, until when and why.
        h.Simulator.State.AddFault(new FaultRule { Kind = FaultKind.Throttle, NodeId = TestScenarios.AlphaWaba, RegainAccessMinutes = 5 });
        var queued = await api.PostAsync("/v1/checks", $$"""{"CustSpaceId":"alpha","NodeType":"waba","WabaId":"{{TestScenarios.AlphaWaba}}","MaxAge":"00:00:00"}""");
        var checkId = Assert.Single(queued.Data.GetProperty("Checks").EnumerateArray()).GetProperty("CheckId").GetGuid();
        var waiting = wait.Until(d => d.FindElements(By.CssSelector($"#waiting tr[data-check='{checkId}'] .reason")).FirstOrDefault(r => r.Text.Contains("MetaPausedWaba", StringComparison.Ordinal)));
        Assert.Equal("Meta is throttling this WABA (MetaPausedWaba)", waiting.Text);
        Screenshot(browser, "dashboard.png");
    }

    [Fact]
    public async Task An_isv_space_of_ten_thousand_nodes_opens_on_its_summary_filters_searches_and_shows_a_timeline_that_moves_live()
    {
        RequireBrowser();
        var scenario = TestScenarios.TwoTenants();
        // The node the operator will look for is a real one at the simulator: its change is made there.
        var watched = Seeded(4250);
        scenario.Wabas[0].PhoneNumbers.Add(new ScenarioPhoneNumber { Id = watched.Id, DisplayPhoneNumber = watched.Display });
        scenario.Health[watched.Id] = new NodeHealth { CanSendMessage = "AVAILABLE" };
        await using var h = await ServiceHarness.StartInMemoryAsync(scenario, ApiClient.Settings());
        await SeedAsync(h.Store, 10_000);

        using var browser = StartChromium();
        var wait = Waiting(browser);
        Connect(browser, h.HttpAddress, ApiClient.AlphaKey);

        // Summary first: the counts of the whole space, from the API.
        wait.Until(d => Count(d, "Nodes") == "10000");
        Assert.Equal(("200", "800", "9000"), (Count(browser, "BLOCKED"), Count(browser, "LIMITED"), Count(browser, "AVAILABLE")));
        Assert.Equal("200", Count(browser, "Stop"));
        Assert.Equal("200", browser.FindElement(By.CssSelector("#spaces tr[data-space='alpha'] .count-blocked")).Text);
        // One page of the list, blocked nodes first, and a next page.
        wait.Until(d => d.FindElements(By.CssSelector("#nodes tbody tr[data-node] .overall .badge")) is { Count: 50 } badges && badges.All(b => b.Text == "BLOCKED"));
        Assert.True(browser.FindElement(By.Id("next-page")).Enabled);
        Screenshot(browser, "dashboard-summary-10000.png");

        // Filter to LIMITED, then BLOCKED: the API filters, the page shows one page of them.
        Choose(browser, "filter-status", "LIMITED");
        wait.Until(d => d.FindElements(By.CssSelector("#nodes tbody tr[data-node] .overall .badge")).All(b => b.Text == "LIMITED"));
        Choose(browser, "filter-status", "BLOCKED");
        wait.Until(d => d.FindElements(By.CssSelector("#nodes tbody tr[data-node] .overall .badge")) is { Count: 50 } badges && badges.All(b => b.Text == "BLOCKED"));
        browser.FindElement(By.Id("next-page")).Click();
        wait.Until(d => d.FindElements(By.CssSelector($"#nodes tbody tr[data-node='{Seeded(2500).Id}']")).Count == 1);

        // Search one display number, digits only.
        browser.FindElement(By.Id("filter-search")).SendKeys(new string([.. watched.Display.Where(char.IsAsciiDigit)]));
        var row = wait.Until(d => d.FindElements(By.CssSelector("#nodes tbody tr[data-node]")) is { Count: 1 } rows ? rows[0] : null);
        Assert.Equal(watched.Id, row.GetAttribute("data-node"));

        // Its timeline: one band, the first sight.
        row.FindElement(By.CssSelector("a.open-timeline")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#timeline-chart rect.band")).Count == 1);
        Assert.Contains("v1", browser.FindElement(By.CssSelector("#timeline-detail .change-detail")).Text, StringComparison.Ordinal);

        // Meta unblocks it; someone checks it: the change arrives on the open page without a reload.
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await new ApiClient(h.HttpAddress).PostAsync("/v1/checks",
            $$"""{"CustSpaceId":"alpha","NodeType":"phone","WabaId":"{{TestScenarios.AlphaWaba}}","PhoneNumberId":"{{watched.Id}}","MaxAge":"00:00:00"}""")).Status);
        wait.Until(d => d.FindElements(By.CssSelector("#timeline-chart rect.band")).Count == 2);
        var band = browser.FindElement(By.CssSelector("#timeline-chart rect.band[data-version='2']"));
        Assert.Contains("band-AVAILABLE", band.GetAttribute("class"), StringComparison.Ordinal);
        band.Click();
        wait.Until(d => d.FindElement(By.CssSelector("#timeline-detail .change-detail")).Text.Contains("BLOCKED → AVAILABLE", StringComparison.Ordinal));
        wait.Until(d => d.FindElements(By.CssSelector($"#feed li[data-node='{watched.Id}'][data-version='2']")).Count == 1);
        Screenshot(browser, "dashboard-timeline.png");
    }

    [Fact]
    public async Task A_wrong_key_shows_why_and_no_data()
    {
        RequireBrowser();
        await using var h = await ServiceHarness.StartInMemoryAsync(TestScenarios.TwoTenants(), ApiClient.Settings());
        using var browser = StartChromium();
        browser.Navigate().GoToUrl(h.HttpAddress);
        browser.FindElement(By.Id("api-key")).SendKeys("not-a-key");
        browser.FindElement(By.Id("connect")).Click();
        new WebDriverWait(browser, Deadline).Until(d => d.FindElement(By.Id("status")).Text.Contains("InvalidApiKey", StringComparison.Ordinal));
        Assert.Empty(browser.FindElements(By.CssSelector("#spaces tr[data-space]")));
    }

    /// <summary>
    /// Without Debian's Chromium and its driver the test skips, saying why; with
    /// <c>HEALTHEVENTS_REQUIRE_BROWSER=1</c> (as <c>.ci/run</c> sets) it fails instead.
    /// </summary>
    private static void RequireBrowser()
    {
        if (File.Exists(ChromeDriver) && File.Exists(Chromium))
        {
            return;
        }

        Requirement.Missing("HEALTHEVENTS_REQUIRE_BROWSER", "Debian's chromium and chromium-driver are not installed (.ci/run installs them).");
    }

    private static void Connect(ChromeDriver browser, Uri address, string key)
    {
        browser.Navigate().GoToUrl(address);
        browser.FindElement(By.Id("api-key")).SendKeys(key);
        browser.FindElement(By.Id("connect")).Click();
    }

    /// <summary>The page redraws what changed every few seconds: an element read as it is replaced is read again.</summary>
    private static WebDriverWait Waiting(ChromeDriver browser)
    {
        var wait = new WebDriverWait(browser, Deadline);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait;
    }

    private static void Choose(ChromeDriver browser, string select, string option) =>
        browser.FindElement(By.XPath($"//select[@id='{select}']/option[text()='{option}']")).Click();

    private static string? Count(IWebDriver browser, string what) =>
        browser.FindElements(By.CssSelector($"#total .card[data-count='{what}'] strong")).FirstOrDefault()?.Text;

    private static void Screenshot(ChromeDriver browser, string name)
    {
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(Path.Combine(screenshots, name));
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshot: {Path.Combine(screenshots, name)}");
    }

    /// <summary>Seeded phone <paramref name="i"/>: every 50th BLOCKED, every other 10th LIMITED, the rest AVAILABLE.</summary>
    private static StoreSeed.SeededPhone Seeded(int i) => new(
        (700000000000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+1 555-{300 + (i / 10000):000}-{i % 10000:0000}"),
        i % 50 == 0 ? "BLOCKED" : i % 10 == 0 ? "LIMITED" : "AVAILABLE");

    /// <summary>Writes <paramref name="count"/> phone snapshots of alpha straight into the store, as two hours of checks would have.</summary>
    private static Task SeedAsync(IHealthStore store, int count) => StoreSeed.PhonesAsync(store, "alpha",
        Enumerable.Range(0, count).Select(Seeded),
        DateTimeOffset.UtcNow.AddHours(-2));

    private static IWebElement Badge(IWebDriver browser, string node) =>
        browser.FindElement(By.CssSelector($"tr[data-node='{node}'] .overall .badge"));

    private static IWebElement Verdict(OpenQA.Selenium.Chrome.ChromeDriver browser, string node) =>
        browser.FindElement(By.CssSelector($"tr[data-node='{node}'] .campaign .badge"));

    private static ChromeDriver StartChromium()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
