using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Configuration;

// The baselines for the gateway's overhead: YARP alone, one catch-all route, no policies, no logging; and, given a
// public key, the same with ASP.NET Core's JwtBearer validating every call's token (no cache) and requiring it.
// Usage: Gateway.Perf.BaselineProxy <listen-url> <destination-url> [<RSA public key PEM> <issuer> <audience>]
var listenUrl = args.Length > 0 ? args[0] : "http://127.0.0.1:5201";
var destination = args.Length > 1 ? args[1] : "http://127.0.0.1:5100";
var publicKeyFile = args.Length > 2 ? args[2] : null;

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls(listenUrl);
builder.Logging.ClearProviders();
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig
    {
        RouteId = "all",
        ClusterId = "upstream",
        Match = new RouteMatch { Path = "/{**catch-all}" },
        AuthorizationPolicy = publicKeyFile is null ? null : "default",
    }],
    [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = destination } } }]);

if (publicKeyFile is not null)
{
    var rsa = RSA.Create();
    rsa.ImportFromPem(File.ReadAllText(publicKeyFile));
    builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(rsa),
            ValidIssuer = args[3],
            ValidAudience = args[4],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
    });
    builder.Services.AddAuthorization();
}

var app = builder.Build();
if (publicKeyFile is not null)
{
    app.UseAuthentication();
    app.UseAuthorization();
}

app.MapReverseProxy();
await app.RunAsync();
