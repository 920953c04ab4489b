namespace Ndxp.Gateway.DemoProviders.Population;

/// <summary>A synthetic citizen record of the demo population database.</summary>
public sealed record Citizen(string PersonalId, string FullName, DateOnly DateOfBirth, string Gender, string PlaceOfOrigin, string PermanentResidence)
{
    public string Nationality => "VN";

    public bool Synthetic => true;
}
