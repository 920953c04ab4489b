namespace Ndxp.Gateway.Web.Portal;

public sealed class SignOutModel() : SignOutPage(WebArea.Portal);
