namespace Ndxp.Gateway.Web.Portal;

public sealed class DeniedModel() : DeniedPage(WebArea.Portal);
