using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Registry;

public sealed class RegistryValidatorTests
{
    private static readonly RegistryDocument Valid = TestRegistry.Build("http://127.0.0.1:5100", "http://127.0.0.1:5101", "http://127.0.0.1:5102");

    [Fact]
    public void Test_registry_is_valid()
    {
        Assert.Empty(RegistryValidator.Validate(Valid));
    }

    [Fact]
    public void Demo_registry_file_is_valid()
    {
        var document = RegistryJson.ReadFile(Path.Combine(AppContext.BaseDirectory, "config", "registry.demo.json"));

        Assert.Empty(RegistryValidator.Validate(document));
        Assert.Contains(document.Clients, c => c.Id == "vcb-ekyc" && c.Agency == "VCB");
        Assert.Contains(document.Clients, c => c.Id == "viettel-sim" && c.Agency == "VIETTEL");
    }

    [Fact]
    public void Grant_naming_an_unknown_agency_is_reported_with_its_id()
    {
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g-unknown", agency: "NOPE")] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Equal("grant", error.Entity);
        Assert.Equal("g-unknown", error.Id);
        Assert.Contains("unknown consumer agency 'NOPE'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_naming_an_unknown_service_or_client_is_reported()
    {
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g1", service: "nope"), Grant("g2", client: "ghost")] };

        var errors = RegistryValidator.Validate(document);
        Assert.Contains(errors, e => e.Id == "g1" && e.Message.Contains("unknown service 'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "g2" && e.Message.Contains("unknown consumer client 'ghost'", StringComparison.Ordinal));
    }

    [Fact]
    public void Grant_for_a_client_of_another_agency_is_reported()
    {
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g-cross", agency: "VCB", client: "viettel-sim")] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Contains("belongs to agency 'VIETTEL'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_for_personal_data_without_purposes_is_reported()
    {
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g-nopurpose", purposes: [])] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Contains("must name at least one purpose", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_for_a_method_the_service_does_not_offer_is_reported()
    {
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g-post", methods: ["POST"])] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Contains("method POST is not offered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_whose_window_ends_before_it_starts_is_reported()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var document = Valid with { Grants = [.. Valid.Grants, Grant("g-window") with { ValidFrom = start, ValidUntil = start.AddDays(-1) }] };

        Assert.Contains(RegistryValidator.Validate(document), e => e.Id == "g-window" && e.Message.Contains("validFrom", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_path_prefix_is_reported_naming_both_services()
    {
        var document = Valid with { Services = [.. Valid.Services, Service("population-copy", "/population/v1")] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Equal("population-copy", error.Id);
        Assert.Contains("duplicates that of service 'population'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_path_prefix_is_reported()
    {
        var document = Valid with { Services = [.. Valid.Services, Service("population-inner", "/population/v1/citizens")] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("population")]
    [InlineData("/population/")]
    [InlineData("/population/../admin")]
    [InlineData("/Population")]
    [InlineData("/pop ulation")]
    [InlineData("/pop/{id}")]
    [InlineData("/./x")]
    public void Bad_path_prefix_is_reported(string prefix)
    {
        var document = Valid with { Services = [.. Valid.Services, Service("bad-prefix", prefix)] };

        Assert.Contains(RegistryValidator.Validate(document), e => e.Id == "bad-prefix" && e.Message.Contains("pathPrefix", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:5100")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://127.0.0.1:5100/?x=1")]
    [InlineData("http://user:pass@127.0.0.1:5100")]
    [InlineData("not a url")]
    public void Bad_upstream_url_is_reported(string destination)
    {
        var document = Valid with { Services = [.. Valid.Services, Service("bad-url", "/bad", destination)] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Equal("bad-url", error.Id);
        Assert.Contains("destination", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_and_unknown_provider_are_reported_together()
    {
        var document = Valid with
        {
            Agencies = [.. Valid.Agencies, Valid.Agencies[0]],
            Services = [.. Valid.Services, Service("orphan", "/orphan") with { Provider = "GHOST" }],
        };

        var errors = RegistryValidator.Validate(document);
        Assert.Contains(errors, e => e.Entity == "agency" && e.Id == "BCA" && e.Message.Contains("more than once", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "orphan" && e.Message.Contains("unknown provider agency 'GHOST'", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_text_secret_in_place_of_a_hash_is_reported()
    {
        var document = Valid with { Clients = [.. Valid.Clients, new Client { Id = "leaky", Agency = "VCB", SecretHash = "vcb-demo-secret" }] };

        var error = Assert.Single(RegistryValidator.Validate(document));
        Assert.Equal("leaky", error.Id);
    }

    [Fact]
    public void Unknown_method_and_zero_timeout_are_reported()
    {
        var document = Valid with { Services = [.. Valid.Services, Service("odd", "/odd") with { Methods = ["FETCH"], TimeoutMs = 0 }] };

        var errors = RegistryValidator.Validate(document);
        Assert.Contains(errors, e => e.Id == "odd" && e.Message.Contains("FETCH", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "odd" && e.Message.Contains("timeoutMs", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_h2c_repeated_or_get_less_upgrades_are_reported_naming_the_field()
    {
        var document = Valid with
        {
            Services =
            [
                .. Valid.Services,
                Service("tunnel", "/tunnel") with { Upgrades = ["SPDY/3.1", "h2c"] },
                Service("twice", "/twice") with { Upgrades = ["websocket", "websocket"] },
                Service("shouty", "/shouty") with { Upgrades = ["WebSocket"] },
                Service("post-only", "/post-only") with { Methods = ["POST"], Upgrades = ["websocket"] },
            ],
        };

        var errors = RegistryValidator.Validate(document);

        Assert.All(errors, e => Assert.Equal(("service", "upgrades"), (e.Entity, e.Field)));
        Assert.Contains(errors, e => e.Id == "tunnel" && e.Message.Contains("'SPDY/3.1' is not one of websocket", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "tunnel" && e.Message.Contains("'h2c' is never accepted", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "twice" && e.Message.Contains("listed more than once", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "shouty" && e.Message.Contains("'WebSocket' is not one of websocket (lower case)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "post-only" && e.Message.Contains("must offer GET", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Declared_upgrades_survive_the_registry_file_format()
    {
        var service = Service("socket", "/socket") with { Upgrades = ["websocket"] };

        var json = System.Text.Json.JsonSerializer.Serialize(service, RegistryJson.Options);
        var read = System.Text.Json.JsonSerializer.Deserialize<Service>(json, RegistryJson.Options)!;

        Assert.Contains("\"upgrades\": [", json, StringComparison.Ordinal);
        Assert.Equal(["websocket"], read.Upgrades);
        Assert.Empty(System.Text.Json.JsonSerializer.Deserialize<Service>("""{"id":"s","provider":"BCA","pathPrefix":"/s"}""", RegistryJson.Options)!.Upgrades);
    }

    private static Grant Grant(
        string id, string agency = "VCB", string service = "population", string? client = null, string[]? purposes = null, string[]? methods = null) =>
        new() { Id = id, ConsumerAgency = agency, Service = service, ConsumerClient = client, Purposes = purposes ?? ["ekyc"], Methods = methods ?? ["GET"] };

    private static Service Service(string id, string prefix, string destination = "http://127.0.0.1:5100") =>
        new() { Id = id, Provider = "BCA", PathPrefix = prefix, Destinations = [destination] };
}
