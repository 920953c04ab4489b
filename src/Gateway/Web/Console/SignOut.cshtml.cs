namespace Ndxp.Gateway.Web.Console;

public sealed class SignOutModel() : SignOutPage(WebArea.Console);
