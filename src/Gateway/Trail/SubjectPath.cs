namespace Ndxp.Gateway.Trail;

/// <summary>
/// Which segment of a service's paths names the data subject, from the service's <c>subjectPath</c> template such as
/// <c>/population/v1/citizens/{personalId}</c>: literal segments (compared as routing compares paths, ignoring case)
/// and one <c>{name}</c> segment. A call whose path does not follow the template names no subject.
/// </summary>
public sealed class SubjectPath
{
    private readonly string[] _literals;
    private readonly int _subjectIndex;

    private SubjectPath(string[] literals, int subjectIndex)
    {
        _literals = literals;
        _subjectIndex = subjectIndex;
    }

    /// <summary>The compiled template, or null with the reason it is not one.</summary>
    public static SubjectPath? Parse(string template, string pathPrefix, out string? error)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(pathPrefix);
        error = null;
        if (!template.StartsWith(pathPrefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            error = $"subjectPath '{template}' must start with the service's pathPrefix '{pathPrefix}/'";
            return null;
        }

        var segments = template[1..].Split('/');
        var placeholders = segments.Select((s, i) => (s, i)).Where(x => x.s.StartsWith('{') && x.s.EndsWith('}') && x.s.Length > 2).ToList();
        if (placeholders.Count != 1 || segments.Any(s => s.Length == 0 || (s.Contains('{') && !placeholders.Exists(p => p.s == s))))
        {
            error = $"subjectPath '{template}' must have exactly one '{{name}}' segment and no empty segments";
            return null;
        }

        var index = placeholders[0].i;
        return new SubjectPath(segments.Select((s, i) => i == index ? "" : s).ToArray(), index);
    }

    /// <summary>The identifier a call's path names, or empty when the path does not follow the template.</summary>
    public ReadOnlySpan<char> SubjectOf(ReadOnlySpan<char> path)
    {
        // Walks the path's segments once; the template's literals must match up to and including the subject's segment.
        var rest = path.StartsWith("/") ? path[1..] : path;
        for (var i = 0; i <= _subjectIndex; i++)
        {
            var end = rest.IndexOf('/');
            var segment = end < 0 ? rest : rest[..end];
            if (i == _subjectIndex)
            {
                return segment;
            }

            if (end < 0 || !segment.Equals(_literals[i], StringComparison.OrdinalIgnoreCase))
            {
                return [];
            }

            rest = rest[(end + 1)..];
        }

        return [];
    }
}
