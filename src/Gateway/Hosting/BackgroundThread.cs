using System.Collections.Concurrent;

namespace Ndxp.Gateway.Hosting;

/// <summary>
/// Runs a background loop (the console log writer, the metering flush) on a thread of its own instead of on the thread
/// pool. Each pass of those loops does a whole interval's work synchronously (a batch's SQLite inserts, buffered console
/// writes, or a write to a console nobody reads); on the pool, with as many workers as cores, that pass took a worker
/// from the data calls for milliseconds. Every continuation of the loop's own awaits comes back to its thread, the
/// kernel interleaves that thread with the calls' workers, and the thread ends with the loop. (Not at a lowered
/// priority: on Linux the threads a thread creates inherit its nice value, and the thread pool may create a worker from
/// whichever thread queues work.)
/// </summary>
internal sealed class BackgroundThread : TaskScheduler
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread _thread;

    private BackgroundThread(string name)
    {
        _thread = new Thread(Work) { IsBackground = true, Name = name };
    }

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Starts <paramref name="loop"/> on a new thread named <paramref name="name"/>; the task ends with the loop.</summary>
    public static Task Run(string name, Func<Task> loop)
    {
        var thread = new BackgroundThread(name);
        thread._thread.Start();
        var running = Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.DenyChildAttach, thread).Unwrap();
        _ = running.ContinueWith(_ => thread._queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, Default);
        return running;
    }

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Only after the loop ended (something it started finishing late): run it on the pool instead.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Scheduler.TryExecuteTask(state.Task), (Scheduler: this, Task: task), preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
