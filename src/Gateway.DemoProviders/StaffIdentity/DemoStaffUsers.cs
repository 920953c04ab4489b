using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>DEMO ONLY: the people who can sign in to the stand-in staff authority, all with <see cref="DemoStaffIdentity.DemoPassword"/>.</summary>
internal static class DemoStaffUsers
{
    public static readonly ImmutableArray<DemoStaffUser> All =
    [
        new("operator", "Nguyễn Thị Lan (demo platform operator)", "NDXP", [DemoStaffIdentity.OperatorRole]),
        new("vcb-staff", "Trần Văn Minh (demo, Vietcombank)", "VCB", []),
        new("hni-staff", "Lê Thu Hà (demo, Hanoi People's Committee)", "HNI", []),
        new("bca-approver", "Phạm Quốc Huy (demo, Ministry of Public Security)", "BCA", [DemoStaffIdentity.ApproverRole]),
        new("bkhdt-approver", "Đỗ Minh Châu (demo, Ministry of Planning and Investment)", "BKHDT", [DemoStaffIdentity.ApproverRole]),
        new("bhxh-approver", "Vũ Thị Mai (demo, Vietnam Social Security)", "BHXH", [DemoStaffIdentity.ApproverRole]),
    ];

    /// <summary>The user named <paramref name="username"/>, whatever its case, or null.</summary>
    public static DemoStaffUser? Find(string username) =>
        All.FirstOrDefault(user => user.Username.Equals(username, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A demo staff member: what the id_token says about them.</summary>
internal sealed record DemoStaffUser(string Username, string Name, string Agency, ImmutableArray<string> Roles)
{
    /// <summary>
    /// An opaque <c>sub</c> derived from the username alone, so it stays the same across restarts and machines: what the
    /// console records about a person (who approved what) still names them after the demo providers restart.
    /// </summary>
    public string Subject { get; } =
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes("ndxp-demo-staff:" + Username)).AsSpan(0, 16));
}
