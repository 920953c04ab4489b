using Ndxp.Gateway.DemoProviders.Enterprise;
using Ndxp.Gateway.DemoProviders.Insurance;
using Ndxp.Gateway.DemoProviders.Population;

namespace Ndxp.Gateway.Load;

/// <summary>
/// The addresses calls look up, built once per run so that a call allocates no string or <see cref="Uri"/>: the ids of
/// the demo providers' synthetic directories (10,001 personal IDs such as <c>001099012345</c>: province, gender and
/// century, year of birth, six digits; 5,000 tax codes; 5,000 insurance numbers), so lookups find a record. Each call
/// draws one at random.
/// </summary>
internal sealed class LookupTargets
{
    private readonly Uri[][] _targets;

    public LookupTargets(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _targets = new Uri[3][];
        _targets[(int)Lookup.Citizen] = Build(baseAddress, CitizenDirectory.CreateDemo().Ids, id => $"/population/v1/citizens/{id}");
        _targets[(int)Lookup.Enterprise] = Build(baseAddress, EnterpriseDirectory.CreateDemo().Ids, id => $"/enterprise/v1/enterprises/{id}");
        _targets[(int)Lookup.Insurance] = Build(baseAddress, InsuranceDirectory.CreateDemo().Ids, id => $"/insurance/v1/participants/{id}/status");
    }

    public Uri Pick(Lookup lookup, Random random)
    {
        var targets = _targets[(int)lookup];
        return targets[random.Next(targets.Length)];
    }

    private static Uri[] Build(Uri baseAddress, IEnumerable<string> ids, Func<string, string> path) =>
        [.. ids.Order(StringComparer.Ordinal).Select(id => new Uri(baseAddress, path(id)))];
}
