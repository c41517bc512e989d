using HealthEvents.Contracts;

namespace HealthEvents.Core.HealthChecks;

/// <summary>Why a request cannot be answered: a <see cref="RejectionReasons"/> value and a sentence.</summary>
public sealed record Rejection(string Reason, string Detail, int? UpstreamErrorCode = null, int? UpstreamErrorSubcode = null, TimeSpan? RetryAfter = null);
