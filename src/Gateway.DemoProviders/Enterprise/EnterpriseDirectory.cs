using System.Globalization;

namespace Ndxp.Gateway.DemoProviders.Enterprise;

/// <summary>A synthetic enterprise registration record.</summary>
public sealed record EnterpriseRecord(string TaxCode, string Name, string LegalForm, DateOnly RegisteredOn, string Province, string Status)
{
    public bool Synthetic => true;
}

/// <summary>The demo enterprise registration database (BKHDT): synthetic enterprises keyed by 10-digit tax code.</summary>
public static class EnterpriseDirectory
{
    public const string WellKnownTaxCode = "0109999001";

    /// <summary>A second well-known tax code, used by the platform's outside-in checks; the record is synthetic.</summary>
    public const string SecondWellKnownTaxCode = "0100109106";
    public const int Size = 5_000;

    public static SyntheticDirectory<EnterpriseRecord> CreateDemo()
    {
        var random = new Random(20230621);
        var enterprises = new List<EnterpriseRecord>(Size + 2)
        {
            new(WellKnownTaxCode, "Công ty TNHH Dữ liệu Mẫu", "Công ty TNHH", new DateOnly(2015, 7, 1), "Hà Nội", "active"),
            new(SecondWellKnownTaxCode, "Tổng Công ty Viễn thông Mẫu", "Công ty TNHH", new DateOnly(2005, 6, 1), "Hà Nội", "active"),
        };
        for (var i = 0; i < Size; i++)
        {
            var kind = SyntheticNames.Pick(random, SyntheticNames.EnterpriseKinds);
            var name = $"{kind} {SyntheticNames.Pick(random, SyntheticNames.EnterpriseWords)} {SyntheticNames.Pick(random, SyntheticNames.GivenNames)}";
            var taxCode = string.Create(CultureInfo.InvariantCulture, $"0{random.Next(100_000_000, 999_999_999)}");
            var registered = new DateOnly(1995, 1, 1).AddDays(random.Next(365 * 30));
            var status = random.Next(10) == 0 ? "dissolved" : "active";
            enterprises.Add(new(taxCode, name, kind, registered, SyntheticNames.Pick(random, SyntheticNames.Provinces).Name, status));
        }

        return new SyntheticDirectory<EnterpriseRecord>(enterprises, e => e.TaxCode);
    }

    public static bool IsWellFormed(string taxCode) => taxCode.Length == 10 && taxCode.All(char.IsAsciiDigit);
}
