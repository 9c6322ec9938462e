using Surge.Policies;
using Surge.Tasks;

namespace Surge.Workers;

// The bounds of Surge:Tasks where a task runs. The edge refuses what it can see, but a record accepted under looser
// settings, or a result, is only known here. Both failures are non-retryable: the same task fails the same way.
internal sealed partial class WorkerExecutor
{
    private TimeSpan SoftLimit(TaskSpec spec, TaskPolicy policy)
    {
        var soft = spec.Timeout ?? policy.SoftTimeLimit ?? _defaultTimeout;
        if (soft <= TimeSpan.Zero || soft > _maxTimeout)
        {
            throw new NonRetryableTaskException(
                $"time limit {soft} is outside 0 to {_maxTimeout} ({TaskOptions.Section}:MaxTimeout); submit a shorter timeout");
        }
        return soft;
    }

    private void CheckResultSize(ReadOnlyMemory<byte> result)
    {
        if (result.Length <= _maxResultBytes) return;
        throw new NonRetryableTaskException(
            $"the result is {result.Length} bytes, over the limit of {_maxResultBytes} bytes ({TaskOptions.Section}:MaxResultBytes); "
            + "store a large result elsewhere and return a reference, or raise the limit");
    }
}
