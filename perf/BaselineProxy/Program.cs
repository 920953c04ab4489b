using Yarp.ReverseProxy.Configuration;

// The baseline for the gateway's overhead: YARP alone, one catch-all route, no policies, no logging.
// Usage: Gateway.Perf.BaselineProxy <listen-url> <destination-url>
var listenUrl = args.Length > 0 ? args[0] : "http://127.0.0.1:5201";
var destination = args.Length > 1 ? args[1] : "http://127.0.0.1:5100";

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls(listenUrl);
builder.Logging.ClearProviders();
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = destination } } }]);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
