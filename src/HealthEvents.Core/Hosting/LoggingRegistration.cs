using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Formatting.Compact;

namespace HealthEvents.Core.Hosting;

public static class LoggingRegistration
{
    /// <summary>
    /// Serilog for all logging, levels from the <c>Serilog</c> section, plain text or compact JSON
    /// (<c>Logging:Format</c> = <c>json</c>). Check log lines carry CustSpaceId, NodeType, WabaId,
    /// NodeId and MessageId from the consumer's scope. Tokens are never logged: they only exist
    /// as <c>AccessToken</c>, which prints as ***.
    /// </summary>
    public static IHostApplicationBuilder AddHealthEventsLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var json = string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate:
                    "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }
}
