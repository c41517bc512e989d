using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using HealthEvents.Contracts;

namespace HealthEvents.Core.HealthChecks;

/// <summary>
/// Looks at a MassTransit JSON envelope before MassTransit deserialises it, with a forward-only
/// reader that never materialises large values: is it a <see cref="HealthCheckRequested"/>, and
/// could it be deserialised? A request that is too large, or whose message is missing, not an
/// object, lacks a required field or has a value of the wrong JSON kind is
/// <see cref="Screened.Unreadable"/>: it names the problem and carries what could be read, so the
/// sender can be told. Bytes that are not a JSON envelope at all are left to MassTransit (and so to
/// the error queue); so are envelopes of other message types.
/// </summary>
public static class RequestScreen
{
    public const string MessageUrn = "urn:message:HealthEvents.Contracts:HealthCheckRequested";

    /// <summary>How much of an oversized body is read for the envelope's ids.</summary>
    private const int OversizedPrefix = 64 * 1024;

    /// <summary>Values echoed back in a rejection are cut to this length.</summary>
    private const int EchoLength = 256;

    private static readonly Dictionary<string, Field> Fields = typeof(HealthCheckRequested)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .ToDictionary(p => p.Name, p => new Field(p), StringComparer.OrdinalIgnoreCase);

    /// <summary>What the screen found.</summary>
    public abstract record Screened
    {
        private Screened()
        {
        }

        /// <summary>Not ours to judge: not a JSON envelope, or not a health check request. MassTransit decides.</summary>
        public sealed record NotARequest : Screened;

        /// <summary>A request MassTransit can read; the validator judges its values.</summary>
        public sealed record Readable : Screened;

        /// <summary>A request that cannot be read as one; <paramref name="Problem"/> says why.</summary>
        public sealed record Unreadable(Rejection Problem, EnvelopeIds Ids, HealthCheckRequested PartialRequest) : Screened;
    }

    /// <summary>The envelope's addressing, as far as it could be read.</summary>
    public sealed record EnvelopeIds(Guid? MessageId, Guid? RequestId, Guid? ConversationId, Uri? ResponseAddress);

    public static Screened Screen(ReadOnlySpan<byte> body)
    {
        var tooLarge = RequestValidator.SizeProblem(body.Length);
        var reader = new Utf8JsonReader(tooLarge is null ? body : body[..Math.Min(body.Length, OversizedPrefix)],
            isFinalBlock: tooLarge is null, new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 }));
        var envelope = new EnvelopeReading();
        try
        {
            envelope.Read(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException && tooLarge is null)
        {
            // Not JSON, or not valid UTF-8: not a message at all.
            return new Screened.NotARequest();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A prefix of an oversized body: whatever was read before it ran out is all there is.
        }

        if (tooLarge is not null)
        {
            return envelope.IsRequest != false ? new Screened.Unreadable(tooLarge, envelope.Ids, envelope.Partial()) : new Screened.NotARequest();
        }

        if (envelope.IsRequest != true)
        {
            return new Screened.NotARequest();
        }

        return envelope.Problem() is { } problem
            ? new Screened.Unreadable(new Rejection(RejectionReasons.Invalid, problem), envelope.Ids, envelope.Partial())
            : new Screened.Readable();
    }

    /// <summary>A contract property and the JSON kind it is read from: a string (text, a time, a span) or, for whole numbers, a number.</summary>
    private sealed record Field(string Name, bool Required, bool IsText, bool IsWholeNumber, Func<string, bool> Parses)
    {
        public Field(PropertyInfo property)
            : this(
                property.Name,
                property.GetCustomAttribute<RequiredMemberAttribute>() is not null,
                property.PropertyType == typeof(string),
                (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) == typeof(int),
                ParserFor(property.PropertyType))
        {
        }

        public string Expected => IsText ? "a string" : IsWholeNumber ? "a whole number" : "a string in its documented format";

        private static Func<string, bool> ParserFor(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(TimeSpan) => text => TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
            var t when t == typeof(DateTimeOffset) => text => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
            _ => _ => true,
        };

        public string CamelName => char.ToLowerInvariant(Name[0]) + Name[1..];
    }

    /// <summary>One pass over the envelope, keeping only small values.</summary>
    private sealed class EnvelopeReading
    {
        private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _problems = [];
        private Guid? _messageId;
        private Guid? _requestId;
        private Guid? _conversationId;
        private Uri? _responseAddress;
        private bool _sawMessage;

        /// <summary>True when messageType names the request, false when it names only others, null when not read yet.</summary>
        public bool? IsRequest { get; private set; }

        public EnvelopeIds Ids => new(_messageId, _requestId, _conversationId, _responseAddress);

        public void Read(ref Utf8JsonReader reader)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("Not an object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("messageId"u8) ? "messageId"
                    : reader.ValueTextEquals("requestId"u8) ? "requestId"
                    : reader.ValueTextEquals("conversationId"u8) ? "conversationId"
                    : reader.ValueTextEquals("responseAddress"u8) ? "responseAddress"
                    : reader.ValueTextEquals("messageType"u8) ? "messageType"
                    : reader.ValueTextEquals("message"u8) ? "message"
                    : null;
                Next(ref reader);
                switch (name)
                {
                    case "messageId":
                        _messageId = GuidOf(ref reader);
                        break;
                    case "requestId":
                        _requestId = GuidOf(ref reader);
                        break;
                    case "conversationId":
                        _conversationId = GuidOf(ref reader);
                        break;
                    case "responseAddress":
                        _responseAddress = Small(ref reader) is { } address && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : null;
                        break;
                    case "messageType":
                        ReadMessageTypes(ref reader);
                        break;
                    case "message":
                        _sawMessage = true;
                        ReadMessage(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        public string? Problem()
        {
            if (!_sawMessage)
            {
                return "The envelope has no message.";
            }

            if (_problems.Count > 0)
            {
                return string.Join(" ", _problems);
            }

            var missing = Fields.Values.Where(f => f.Required && _values.GetValueOrDefault(f.Name) is null).Select(f => f.CamelName).ToList();
            return missing.Count > 0 ? $"Required field{(missing.Count > 1 ? "s" : "")} missing: {string.Join(", ", missing)}." : null;
        }

        /// <summary>The request as far as it could be read, long values cut short, for the rejection's echo.</summary>
        public HealthCheckRequested Partial() => new()
        {
            CustSpaceId = Echo(nameof(HealthCheckRequested.CustSpaceId)) ?? "",
            NodeType = Echo(nameof(HealthCheckRequested.NodeType)) ?? "",
            WabaId = Echo(nameof(HealthCheckRequested.WabaId)),
            PhoneNumber = Echo(nameof(HealthCheckRequested.PhoneNumber)),
            PhoneNumberId = Echo(nameof(HealthCheckRequested.PhoneNumberId)),
            TemplateCode = Echo(nameof(HealthCheckRequested.TemplateCode)),
            TemplateId = Echo(nameof(HealthCheckRequested.TemplateId)),
            Language = Echo(nameof(HealthCheckRequested.Language)),
        };

        private string? Echo(string field) => _values.GetValueOrDefault(field);

        private void ReadMessageTypes(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return;
            }

            IsRequest ??= false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(MessageUrn))
                {
                    IsRequest = true;
                }
            }
        }

        private void ReadMessage(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                _problems.Add(reader.TokenType == JsonTokenType.Null ? "The message is null." : "The message is not a JSON object.");
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Fields.GetValueOrDefault(reader.GetString()!);
                Next(ref reader);
                if (field is null)
                {
                    reader.Skip();
                    continue;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        break;
                    case JsonTokenType.Number when field.IsWholeNumber:
                        if (!reader.TryGetInt32(out _))
                        {
                            _problems.Add($"Field '{field.CamelName}' cannot be read: {Cut(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))} is not a whole number in range.");
                        }

                        break;
                    case JsonTokenType.String when !field.IsWholeNumber:
                        // Bounded: the body is at most the request limit, or the prefix read of a larger one.
                        var value = reader.GetString()!;
                        if (!field.Parses(value))
                        {
                            _problems.Add($"Field '{field.CamelName}' cannot be read: '{Cut(value)}' is not a valid value.");
                        }

                        _values[field.Name] = Cut(value);
                        break;
                    default:
                        _problems.Add($"Field '{field.CamelName}' must be {field.Expected}, not {Describe(reader.TokenType)}.");
                        reader.Skip();
                        break;
                }
            }
        }

        private static void Next(ref Utf8JsonReader reader)
        {
            if (!reader.Read())
            {
                throw new JsonException("Truncated.");
            }
        }

        private static Guid? GuidOf(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var id) ? id : null;

        private static string? Small(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 2048 ? reader.GetString() : null;

        private static string Cut(string value) => value.Length <= EchoLength ? value : value[..EchoLength] + "…";

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "true or false",
            _ => token.ToString(),
        };
    }
}
