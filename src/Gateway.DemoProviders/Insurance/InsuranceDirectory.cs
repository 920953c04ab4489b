using System.Globalization;

namespace Ndxp.Gateway.DemoProviders.Insurance;

/// <summary>A synthetic social insurance participation status.</summary>
public sealed record InsuranceStatus(string InsuranceNumber, string Status, string Scheme, DateOnly ParticipatingSince, int ContributionMonths)
{
    public bool Synthetic => true;
}

/// <summary>The demo social insurance database (BHXH): status by 10-digit insurance number.</summary>
public static class InsuranceDirectory
{
    public const string WellKnownNumber = "0199012345";
    public const int Size = 5_000;

    private static readonly string[] Statuses = ["participating", "participating", "participating", "paused", "ended"];
    private static readonly string[] Schemes = ["compulsory", "compulsory", "voluntary"];

    public static SyntheticDirectory<InsuranceStatus> CreateDemo()
    {
        var random = new Random(20250101);
        var participants = new List<InsuranceStatus>(Size + 1)
        {
            new(WellKnownNumber, "participating", "compulsory", new DateOnly(2021, 8, 1), 63),
        };
        for (var i = 0; i < Size; i++)
        {
            var number = string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 99):D2}{random.Next(100_000_000):D8}");
            var since = new DateOnly(1995, 1, 1).AddMonths(random.Next(12 * 30));
            participants.Add(new(number, SyntheticNames.Pick(random, Statuses), SyntheticNames.Pick(random, Schemes), since, random.Next(1, 360)));
        }

        return new SyntheticDirectory<InsuranceStatus>(participants, p => p.InsuranceNumber);
    }

    public static bool IsWellFormed(string number) => number.Length == 10 && number.All(char.IsAsciiDigit);
}
