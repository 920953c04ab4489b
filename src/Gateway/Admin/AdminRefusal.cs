using System.Text.Json.Serialization;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>Refuses an admin change from inside a commit plan (which then writes nothing); the endpoint answers the problem.</summary>
internal sealed class AdminRefusal(ProblemKind kind, string detail, IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;

    public IResult ToResult() => ProblemResponses.Result(Kind, Message, extensions);

    /// <summary>A 400 naming the offending field, in the same <c>errors</c> shape as registry validation.</summary>
    public static AdminRefusal InvalidField(string field, string message) =>
        new(ProblemKind.InvalidBody, message, new Dictionary<string, object?> { ["errors"] = new[] { new FieldError(field, message) } });

    public static AdminRefusal Invalid(RegistryValidationException exception) =>
        new(ProblemKind.RegistryInvalid, exception.Errors[0].ToString(), new Dictionary<string, object?>
        {
            ["errors"] = exception.Errors.Select(e => new FieldError(e.Field, e.Message, e.Entity, e.Id)).ToArray(),
        });
}

/// <summary>One error of a refused admin request: the field (JSON name, dotted path) and what is wrong with it.</summary>
internal sealed record FieldError(
    string Field,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Entity = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null);
