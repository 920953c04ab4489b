namespace Ndxp.Gateway.DemoProviders;

/// <summary>Vietnamese-looking names and places drawn from a seeded generator: plausible, deterministic, nobody real.</summary>
internal static class SyntheticNames
{
    public static readonly string[] FamilyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];

    public static readonly string[] MiddleNames = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu", "Hữu", "Thanh", "Quốc", "Gia"];

    public static readonly string[] GivenNames =
        ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến"];

    /// <summary>Province codes as used in the first three digits of a personal ID, with the province name.</summary>
    public static readonly (string Code, string Name)[] Provinces =
    [
        ("001", "Hà Nội"), ("079", "Hồ Chí Minh"), ("031", "Hải Phòng"), ("048", "Đà Nẵng"), ("092", "Cần Thơ"),
        ("026", "Vĩnh Phúc"), ("038", "Thanh Hóa"), ("040", "Nghệ An"), ("046", "Thừa Thiên Huế"), ("075", "Đồng Nai"),
    ];

    public static readonly string[] EnterpriseKinds = ["Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân"];

    public static readonly string[] EnterpriseWords = ["Dữ liệu", "Phần mềm", "Thương mại", "Xây dựng", "Nông sản", "Vận tải", "Du lịch", "Dệt may"];

    public static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
