using Ndxp.Gateway.DemoProviders;

// Standalone: the demo provider services on their own, e.g. as a separate deployment in a test cluster.
var app = DemoProviderApp.Build(args, args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "http://127.0.0.1:5100");
await app.RunAsync();
