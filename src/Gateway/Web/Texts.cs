namespace Ndxp.Gateway.Web;

/// <summary>
/// The console's and portal's texts: <c>Texts.resx</c> (English) and <c>Texts.vi.resx</c> (Vietnamese), read through
/// <c>IStringLocalizer&lt;Texts&gt;</c> in the request's culture.
/// </summary>
#pragma warning disable CA1812 // Named by IStringLocalizer<Texts>, never instantiated.
internal sealed class Texts;
#pragma warning restore CA1812
