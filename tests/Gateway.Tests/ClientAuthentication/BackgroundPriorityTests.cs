using Ndxp.Gateway.ClientAuthentication;

namespace Ndxp.Gateway.Tests.ClientAuthentication;

/// <summary>The thread that derives a slow hash runs at the lowest CPU priority, so that data calls' threads go first.</summary>
public sealed class BackgroundPriorityTests
{
    [Fact]
    public void The_lowered_thread_runs_at_nice_19_and_the_others_are_untouched()
    {
        int? lowered = null;
        var thread = new Thread(() =>
        {
            BackgroundPriority.LowerCurrentThread();
            lowered = NiceOfThisThread();
        });
        thread.Start();
        thread.Join();

        Assert.Equal(19, lowered);
        Assert.Equal(0, NiceOfThisThread());
    }

    // /proc/thread-self/stat: the 19th field is the thread's nice value; the 2nd (the name) is in parentheses.
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
