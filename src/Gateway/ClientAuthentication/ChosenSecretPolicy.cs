namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// Which secrets a person may choose for a client (<c>hash-secret</c>): long enough, and not guessable by the
/// estimate of zxcvbn (Dropbox's password-strength estimator, ported to .NET: dictionaries, common passwords,
/// keyboard patterns, dates, repeats). A slow hash makes each guess expensive; it cannot save a secret found in the
/// first thousand.
/// </summary>
public static class ChosenSecretPolicy
{
    public const int MinimumLength = 16;

    /// <summary>
    /// Bits of entropy as zxcvbn estimates them (a dictionary word counts for its rank, not its letters): 2^64
    /// guesses at a third of a second each is beyond any offline attack on the slow hash. A machine's secret is kept
    /// in its configuration, not memorised, so the bar is that of a key rather than of a password.
    /// </summary>
    public const double RequiredBits = 64;

    /// <summary>Why the secret is refused, or null when it is acceptable.</summary>
    public static string? WhyRefused(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            return $"the secret is shorter than {MinimumLength} characters";
        }

        var estimate = Zxcvbn.Zxcvbn.MatchPassword(secret);
        if (estimate.Entropy < RequiredBits)
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the secret is guessable: an estimated {estimate.Entropy:F0} bits of entropy, at least {RequiredBits:F0} are needed");
        }

        return null;
    }
}
