using System.Text.RegularExpressions;

namespace Ndxp.Gateway.Access;

/// <summary>
/// What a declared purpose of use (<c>X-Purpose</c>) may look like: a short code such as <c>ekyc</c> or
/// <c>nd13:art17</c>, 1-64 characters of letters, digits, '.', '_', ':' or '-'. Anything else is refused before it is
/// compared, stored or logged: a caller must not be able to write kilobytes into every usage record it causes.
/// The registry's grants are held to the same syntax, so every registered purpose can be declared.
/// </summary>
public static partial class PurposeSyntax
{
    public const int MaxLength = 64;

    public static bool IsWellFormed(string purpose) => purpose.Length <= MaxLength && Pattern().IsMatch(purpose);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
