namespace Ndxp.Gateway.Load;

/// <summary>Which demo database a scenario looks an id up in.</summary>
internal enum Lookup
{
    /// <summary><c>GET /population/v1/citizens/{personalId}</c>, 12 digits.</summary>
    Citizen,

    /// <summary><c>GET /enterprise/v1/enterprises/{taxCode}</c>, 10 digits.</summary>
    Enterprise,

    /// <summary><c>GET /insurance/v1/participants/{insuranceNumber}/status</c>, 10 digits.</summary>
    Insurance,
}

/// <summary>
/// One kind of call: which service it reaches, with which declared purpose, and the statuses the registry makes the
/// right answer. Any other status, a transport error or a timeout is an error of the run.
/// </summary>
internal sealed record Scenario(string Name, string Service, Lookup Lookup, string? Purpose, int[] Expected, string Description)
{
    public bool Expects(int status) => Array.IndexOf(Expected, status) >= 0;
}
