namespace HealthEvents.IntegrationTests.Support;

/// <summary>Waits for an observable condition with a deadline: never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#}s waiting for {what}; last value: {last}");
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        ReturnsAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);

    /// <summary>As <see cref="TrueAsync(Func{bool}, TimeSpan, string)"/>, saying what was still missing when it timed out.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> whatIsMissing)
    {
        try
        {
            await TrueAsync(condition, timeout, "the condition");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}: {whatIsMissing()}", ex);
        }
    }
}
