using System.Diagnostics;

namespace Serverless.DevHost.Local;

/// <summary>Drains a child's stdout and stderr, keeping the last lines. A child whose redirected pipe
/// is never read blocks once the pipe buffer fills, and the last lines are what explains a failure.</summary>
internal sealed class ProcessOutputTail
{
    private readonly Queue<string> _lines;
    private readonly int _capacity;
    private readonly Lock _gate = new();

    public ProcessOutputTail(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _lines = new Queue<string>(capacity);
    }

    /// <summary>Raised for each line, on a thread-pool thread.</summary>
    public event Action<string>? LineReceived;

    /// <summary>Subscribes to the process's redirected output; call after <see cref="Process.Start()"/>.</summary>
    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return _lines.ToArray();
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, Snapshot());

    private void Add(string? line)
    {
        // Null marks the end of the stream.
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_lines.Count == _capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }

        LineReceived?.Invoke(line);
    }
}
