namespace Ndxp.Gateway.Problems;

/// <summary>A step's reason to refuse a call, with the detail its problem body gives, written once the step has decided.</summary>
internal readonly record struct Refusal(ProblemKind Kind, string? Detail = null)
{
    public Task WriteAsync(HttpContext context) => context.WriteProblemAsync(Kind, Detail);
}
