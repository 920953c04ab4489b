using System.Globalization;

namespace Ndxp.Gateway.DemoProviders.Population;

/// <summary>
/// The demo population database: <see cref="Size"/> synthetic citizens generated from a fixed seed, plus the
/// well-known <see cref="WellKnownId"/> used in the README. A personal ID is 12 digits: province (3), gender and
/// century (1), year of birth (2), then 6 digits.
/// </summary>
public static class CitizenDirectory
{
    public const string WellKnownId = "001099012345";
    public const int Size = 10_000;

    public static SyntheticDirectory<Citizen> CreateDemo()
    {
        var random = new Random(20220106);
        var citizens = new List<Citizen>(Size + 1)
        {
            new(WellKnownId, "Nguyễn Văn An", new DateOnly(1999, 3, 14), "male", "Hà Nội", "Hà Nội"),
        };
        for (var i = 0; i < Size; i++)
        {
            var (code, province) = SyntheticNames.Pick(random, SyntheticNames.Provinces);
            var female = random.Next(2) == 1;
            var born = new DateOnly(1940, 1, 1).AddDays(random.Next(365 * 65));
            var genderCentury = (born.Year >= 2000 ? 2 : 0) + (female ? 1 : 0);
            var id = string.Create(CultureInfo.InvariantCulture, $"{code}{genderCentury}{born.Year % 100:D2}{random.Next(1_000_000):D6}");
            var middle = female ? "Thị" : SyntheticNames.Pick(random, SyntheticNames.MiddleNames);
            var name = $"{SyntheticNames.Pick(random, SyntheticNames.FamilyNames)} {middle} {SyntheticNames.Pick(random, SyntheticNames.GivenNames)}";
            var residence = SyntheticNames.Pick(random, SyntheticNames.Provinces).Name;
            citizens.Add(new Citizen(id, name, born, female ? "female" : "male", province, residence));
        }

        return new SyntheticDirectory<Citizen>(citizens, c => c.PersonalId);
    }

    public static bool IsWellFormed(string personalId) => personalId.Length == 12 && personalId.All(char.IsAsciiDigit);
}
