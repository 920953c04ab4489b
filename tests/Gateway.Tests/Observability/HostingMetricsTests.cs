using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// Data calls are counted once, by the gateway's own series with bounded labels: ASP.NET Core's request histogram,
/// which prometheus-net exports, would count each again by the provider's raw status code (any of 900). The gateway's
/// own endpoints, such as the token endpoint, stay in it.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HostingMetricsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_data_call_is_not_in_aspnet_cores_request_histogram_and_the_token_endpoint_is()
    {
        // The gateway's own meters only: the test upstream, in this process too, records the same histogram.
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        var statuses = new ConcurrentBag<(int Status, string? Route)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "http.server.request.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            int? status = null;
            string? route = null;
            foreach (var tag in tags)
            {
                status = tag.Key == "http.response.status_code" ? Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture) : status;
                route = tag.Key == "http.route" ? tag.Value as string : route;
            }

            statuses.Add((status ?? 0, route));
        });
        listener.Start();

        var token = await gateway.TokenAsync("vcb-ekyc");
        using var call = await gateway.CallAsync(HttpMethod.Get, "/echo/status/597", token, "ekyc");

        Assert.Equal(597, (int)call.StatusCode);
        Assert.Contains(statuses, s => s.Route == "/connect/token");
        Assert.DoesNotContain(statuses, s => s.Status == 597);
    }
}
