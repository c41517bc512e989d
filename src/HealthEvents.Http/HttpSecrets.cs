using HealthEvents.Domain.Tenants;
using HealthEvents.Http.Webhooks;
using Microsoft.Extensions.Options;

namespace HealthEvents.Http;

/// <summary>
/// The HTTP side's secrets, read once at start-up by the same rule as tenants' tokens
/// (<see cref="SecretSources"/>): the admin key (kept as a hash), the webhook app secret and
/// verify token. Problems are start-up errors that name the setting, never the value.
/// </summary>
public sealed class HttpSecrets
{
    private HttpSecrets(ApiKey? adminKey, byte[]? appSecret, ApiKey? verifyToken)
    {
        AdminKey = adminKey;
        AppSecret = appSecret;
        VerifyToken = verifyToken;
    }

    public ApiKey? AdminKey { get; }

    /// <summary>The webhook HMAC key; null when webhooks are off.</summary>
    internal byte[]? AppSecret { get; }

    public ApiKey? VerifyToken { get; }

    public static HttpSecrets Read(HttpApiOptions http, MetaWebhookOptions webhooks, List<string> errors, ITokenSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(webhooks);
        source ??= SystemTokenSource.Instance;
        var admin = SecretSources.Resolve(HttpApiOptions.SectionName, "AdminApiKey", http.AdminApiKey, http.AdminApiKeyVariable, http.AdminApiKeyFile, source, errors, required: false);
        var appSecret = SecretSources.Resolve(MetaWebhookOptions.SectionName, "AppSecret", webhooks.AppSecret, webhooks.AppSecretVariable, webhooks.AppSecretFile, source, errors, required: false);
        var verify = SecretSources.Resolve(MetaWebhookOptions.SectionName, "VerifyToken", webhooks.VerifyToken, webhooks.VerifyTokenVariable, webhooks.VerifyTokenFile, source, errors, required: false);
        return new HttpSecrets(
            admin is null ? null : new ApiKey(admin),
            appSecret is null ? null : System.Text.Encoding.UTF8.GetBytes(appSecret),
            verify is null ? null : new ApiKey(verify));
    }

    /// <summary>Reports unreadable secrets with the other options' problems at start-up.</summary>
    internal sealed class Validator(IOptions<MetaWebhookOptions> webhooks) : IValidateOptions<HttpApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, HttpApiOptions options)
        {
            var errors = new List<string>();
            Read(options, webhooks.Value, errors);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
