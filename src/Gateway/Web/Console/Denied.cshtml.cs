namespace Ndxp.Gateway.Web.Console;

public sealed class DeniedModel() : DeniedPage(WebArea.Console);
