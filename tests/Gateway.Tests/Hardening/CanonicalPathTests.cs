using Ndxp.Gateway.Hardening;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>The canonical path rule on its own, short paths and long ones (which take the pooled-buffer branch).</summary>
public sealed class CanonicalPathTests
{
    private static readonly string LongTail = string.Concat(Enumerable.Repeat("caf%C3%A9/", 100));

    [Theory]
    [InlineData("/")]
    [InlineData("/a/v1")]
    [InlineData("/a/v1/")]
    [InlineData("/a/v1/citizens/001099012345?fields=name&x=%2F&y=../b")]
    [InlineData("/a/v1/x-y_z~1/caf%C3%A9")]
    [InlineData("/a/v1/a:b@c")]
    public void Ordinary_paths_are_canonical(string path)
    {
        Assert.Null(CanonicalPath.Check(path));
        Assert.Null(CanonicalPath.Check("/a/v1/" + LongTail + path.TrimStart('/')));
    }

    [Theory]
    [InlineData("/a/v1/%")]
    [InlineData("/a/v1/%4")]
    [InlineData("/a/v1/%zz")]
    [InlineData("/a/v1/%2F")]
    [InlineData("/a/v1/%252F")]
    [InlineData("/a/v1/%2e")]
    [InlineData("/a/v1/%00")]
    [InlineData("/a/v1/%C3")]
    [InlineData("/a/v1/%C0%AE")]
    [InlineData("/a/v1/%ED%A0%80")]
    [InlineData("/a/v1/x y")]
    [InlineData("/a/v1/x\\y")]
    [InlineData("/a/v1/x;y=1")]
    [InlineData("/a/v1/.")]
    [InlineData("/a/v1/..")]
    [InlineData("/a/v1/x./")]
    [InlineData("/a/v1//x")]
    public void Paths_a_provider_could_read_otherwise_are_refused(string path)
    {
        Assert.NotNull(CanonicalPath.Check(path));
        Assert.NotNull(CanonicalPath.Check("/a/v1/" + LongTail + path["/a/v1/".Length..]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("http://gateway.test/a/v1")]
    [InlineData("gateway.test:443")]
    public void Targets_that_are_not_origin_form_are_refused(string target)
    {
        Assert.NotNull(CanonicalPath.Check(target));
    }
}
