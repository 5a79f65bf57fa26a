namespace Serverless.Benchmarks.Load;

/// <summary>Prints each kind of failure once (the rows count them all), so a failing path does not flood the console.</summary>
public static class ErrorLog
{
    private static readonly HashSet<string> Seen = [];

    public static void Report(Exception exception)
    {
        var message = $"{exception.GetType().Name}: {exception.Message}";
        var kind = message[..Math.Min(80, message.Length)];
        lock (Seen)
        {
            if (!Seen.Add(kind)) return;
        }
        Console.Error.WriteLine($"  operation failed (first of its kind; later ones are only counted): {message}");
    }
}
