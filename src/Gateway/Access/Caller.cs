namespace Ndxp.Gateway.Access;

/// <summary>The verified identity of a caller: its agency and client, as read from a validated token.</summary>
public readonly record struct Caller(string Agency, string ClientId);
