using Ndxp.Gateway.Load;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the run early and still writes its report.
    e.Cancel = true;
    cancel.Cancel();
};
return await LoadCommand.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, cancel.Token);
