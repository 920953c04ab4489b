using Ndxp.Gateway;
using Ndxp.Gateway.Identity;

if (args is ["hash-secret", ..])
{
    // Operators hash a client secret for the declarative registry file; the secret is read from stdin, not argv,
    // so it stays out of shell history and process listings.
    var secret = Console.In.ReadLine();
    if (string.IsNullOrEmpty(secret))
    {
        await Console.Error.WriteLineAsync("usage: echo -n SECRET | Ndxp.Gateway hash-secret");
        return 2;
    }

    Console.WriteLine(ClientSecretHasher.Hash(secret));
    return 0;
}

if (Ndxp.Gateway.Admin.OperatorCommands.Handles(args))
{
    try
    {
        return await Ndxp.Gateway.Admin.OperatorCommands.RunAsync(args, Console.Out, Console.Error);
    }
    catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException)
    {
        await Console.Error.WriteLineAsync(ex.Message);
        return 1;
    }
}

try
{
    await using var app = await GatewayApplication.CreateAsync(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is Ndxp.Gateway.Registry.RegistryValidationException or InvalidDataException or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync("NDXP Gateway could not start: " + ex.Message);
    return 1;
}
