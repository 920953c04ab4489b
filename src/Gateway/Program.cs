using Ndxp.Gateway;
using Ndxp.Gateway.ClientAuthentication;

if (HashSecretCommand.Handles(args))
{
    return await HashSecretCommand.RunAsync(args, Console.In, Console.Out, Console.Error);
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
