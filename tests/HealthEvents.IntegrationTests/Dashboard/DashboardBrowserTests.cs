using HealthEvents.GraphSimulator.Scenarios;
using HealthEvents.IntegrationTests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace HealthEvents.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard as a person sees it, in headless Chromium (Debian's, through its ChromeDriver):
/// badges per node, an error's possible solution, budget use, only the key's own tenant, and a
/// change made at Meta appearing in the live feed. Saves a screenshot under the test output.
/// </summary>
public class DashboardBrowserTests
{
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tenant_sees_its_nodes_badges_and_possible_solutions_and_a_change_at_Meta_appears_in_the_feed()
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
        var wait = new WebDriverWait(browser, Deadline);
        browser.Navigate().GoToUrl(h.HttpAddress);
        browser.FindElement(By.Id("api-key")).SendKeys(ApiClient.AlphaKey);
        browser.FindElement(By.Id("connect")).Click();

        var template = wait.Until(d => d.FindElements(By.CssSelector($"tr[data-node='{TestScenarios.AlphaTemplate}']")).FirstOrDefault());
        Assert.Equal("BLOCKED", Badge(browser, TestScenarios.AlphaTemplate).Text);
        Assert.Contains("badge-blocked", Badge(browser, TestScenarios.AlphaTemplate).GetAttribute("class"), StringComparison.Ordinal);
        Assert.Equal("LIMITED", Badge(browser, TestScenarios.AlphaPhone).Text);
        Assert.Equal("AVAILABLE", Badge(browser, TestScenarios.AlphaWaba).Text);
        Assert.Contains("Possible solution: Edit or appeal the message template review decision.",
            template.FindElement(By.CssSelector(".possible-solution")).Text, StringComparison.Ordinal);
        Assert.Contains("Your display name has not been approved yet",
            browser.FindElement(By.CssSelector($"tr[data-node='{TestScenarios.AlphaPhone}']")).Text, StringComparison.Ordinal);
        // The campaign verdict with its reasons, and the readiness it reads.
        Assert.Equal("Stop", Verdict(browser, TestScenarios.AlphaTemplate).Text);
        Assert.Contains("TemplateNotApproved: The template is PENDING", template.FindElement(By.CssSelector(".campaign")).Text, StringComparison.Ordinal);
        Assert.Equal("Hold", Verdict(browser, TestScenarios.AlphaPhone).Text);
        Assert.Equal("Go", Verdict(browser, TestScenarios.AlphaWaba).Text);
        var phoneReadiness = browser.FindElement(By.CssSelector($"tr[data-node='{TestScenarios.AlphaPhone}'] .readiness")).Text;
        Assert.Contains("Quality: GREEN", phoneReadiness, StringComparison.Ordinal);
        Assert.Contains("Messaging limit: TIER_10K", phoneReadiness, StringComparison.Ordinal);
        Assert.Contains("Graph calls in the last second", browser.FindElement(By.CssSelector("[data-tenant='alpha'] .calls-second")).Text, StringComparison.Ordinal);
        Assert.Contains($"WABA {TestScenarios.AlphaWaba}:", browser.FindElement(By.CssSelector("[data-tenant='alpha'] .calls-hour")).Text, StringComparison.Ordinal);
        Assert.Contains("Parked checks: 0", browser.FindElement(By.CssSelector("[data-tenant='alpha'] .parked")).Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindElements(By.CssSelector("[data-tenant='beta']")));
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

        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(Path.Combine(screenshots, "dashboard.png"));
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshot: {Path.Combine(screenshots, "dashboard.png")}");
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
        Assert.Empty(browser.FindElements(By.CssSelector("[data-tenant]")));
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
