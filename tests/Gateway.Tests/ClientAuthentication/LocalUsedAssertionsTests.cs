using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.ClientAuthentication;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

public sealed class LocalUsedAssertionsTests
{
    private const int Capacity = 100;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));
    private readonly LocalUsedAssertions _used;

    public LocalUsedAssertionsTests() =>
        _used = new LocalUsedAssertions(_clock, Options.Create(new ClientAuthenticationOptions { MaxRememberedAssertions = Capacity }));

    [Fact]
    public async Task A_jti_is_a_replay_for_its_client_until_it_expires_and_not_for_another_client()
    {
        var until = _clock.GetUtcNow().AddMinutes(1);

        Assert.Equal(AssertionUse.First, await _used.UseAsync("a", "jti-1", until));
        Assert.Equal(AssertionUse.Replayed, await _used.UseAsync("a", "jti-1", until));
        Assert.Equal(AssertionUse.First, await _used.UseAsync("b", "jti-1", until));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AssertionUse.First, await _used.UseAsync("a", "jti-1", until.AddMinutes(1)));
    }

    [Fact]
    public async Task Past_its_capacity_of_live_entries_it_refuses_to_take_more_and_takes_them_again_once_those_expire()
    {
        var until = _clock.GetUtcNow().AddMinutes(5);
        for (var i = 0; i < Capacity; i++)
        {
            Assert.Equal(AssertionUse.First, await _used.UseAsync("a", $"jti-{i}", until));
        }

        Assert.Equal(AssertionUse.NotRemembered, await _used.UseAsync("a", "one-too-many", until));
        // A replay of a remembered one is still told apart when full.
        Assert.Equal(AssertionUse.Replayed, await _used.UseAsync("a", "jti-0", until));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(AssertionUse.First, await _used.UseAsync("a", "one-too-many", _clock.GetUtcNow().AddMinutes(5)));
    }
}
