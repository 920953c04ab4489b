using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Testing;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// What escapes the pipeline is answered and recorded as what the caller was sent: the refusal's status, a 500 for a
/// bug (the only case logged with its exception), or aborted when the caller left.
/// </summary>
public sealed class EscapedFailureTests
{
    private readonly FakeLogger<EscapedFailure> _logger = new();

    [Fact]
    public async Task A_bug_before_the_answer_is_a_500_internal_error_problem_recorded_as_gateway_error_and_logged_with_its_exception()
    {
        var (context, call) = Call();

        await Run(context, _ => throw new InvalidOperationException("bug"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(Outcome.GatewayError, call.OutcomeFor(500));
        Assert.Equal("application/problem+json", context.Response.ContentType);
        var logged = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Theory]
    [InlineData(400, "request-malformed")]
    [InlineData(413, "request-body-too-large")]
    public async Task A_request_kestrel_refuses_gets_its_status_as_a_problem_and_no_stack_trace(int status, string type)
    {
        var (context, call) = Call();

        await Run(context, _ => throw new BadHttpRequestException("refused", status));

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(Outcome.ClientError, call.OutcomeFor(status));
        Assert.Equal(ProblemCatalog.Describe(call.Problem!.Value).Slug, type);
        var logged = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, logged.Level);
        Assert.Null(logged.Exception);
    }

    [Fact]
    public async Task A_caller_that_left_is_recorded_as_aborted_with_no_status_sent_and_nothing_logged()
    {
        var (context, call) = Call();
        using var gone = new CancellationTokenSource();
        context.RequestAborted = gone.Token;
        await gone.CancelAsync();

        await Run(context, c => throw new OperationCanceledException(c.RequestAborted));

        Assert.True(call.Aborted);
        Assert.Equal(StatusCodes.Status499ClientClosedRequest, context.Response.StatusCode);
        Assert.Equal(Outcome.Aborted, call.OutcomeFor(context.Response.StatusCode));
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task A_bug_after_the_answer_began_cuts_the_connection_and_records_the_status_sent_as_aborted()
    {
        var (context, call) = Call();
        var lifetime = new AbortRecorder();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Features.Set<IHttpResponseFeature>(new StartedResponse());

        await Run(context, _ => throw new InvalidOperationException("bug mid-answer"));

        Assert.True(lifetime.Aborted);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(Outcome.Aborted, call.OutcomeFor(200));
        Assert.Equal(LogLevel.Error, Assert.Single(_logger.Collector.GetSnapshot()).Level);
    }

    // The escaped failure as the data path hands it over: thrown by the rest of the path, caught, then answered.
    private async Task Run(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception failure)
        {
            await new EscapedFailure(_logger).HandleAsync(context, context.GetGatewayCall()!, failure);
        }
    }

    private static (DefaultHttpContext Context, GatewayCall Call) Call()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var call = new GatewayCall { TransactionId = "t1", StartedAt = DateTimeOffset.UnixEpoch, StartTimestamp = 0, TraceId = ActivityTraceId.CreateRandom(), SpanId = ActivitySpanId.CreateRandom() };
        context.Features.Set(call);
        return (context, call);
    }

    private sealed class AbortRecorder : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }

    private sealed class StartedResponse : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
