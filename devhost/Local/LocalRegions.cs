using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.Local;

/// <summary>The embedded default when no region is configured: two Azurite instances as two regions,
/// with their data under one data root (<c>.local/</c> at the repository root) so it survives restarts.</summary>
public sealed class LocalRegions : IAsyncDisposable
{
    public const string PrimaryName = "local-primary";
    public const string SecondaryName = "local-secondary";

    private const string PidFileName = "azurite.pids";
    private const string AdminKeyFileName = "admin-key";
    private static readonly TimeSpan LeftoverStopTimeout = TimeSpan.FromSeconds(10);

    private readonly string _pidFile;
    private readonly Lock _stopGate = new();
    private Task? _stopping;

    private LocalRegions(string dataRoot, AzuriteProcess primary, AzuriteProcess secondary)
    {
        DataRoot = dataRoot;
        Primary = primary;
        Secondary = secondary;
        _pidFile = Path.Combine(dataRoot, PidFileName);
    }

    /// <summary>Full path of the folder holding both regions' data, the PID file and the admin key.</summary>
    public string DataRoot { get; }

    public AzuriteProcess Primary { get; }

    public AzuriteProcess Secondary { get; }

    /// <summary>Stops what an earlier run left behind, then starts both regions in parallel.</summary>
    public static async Task<LocalRegions> StartAsync(string dataRoot, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        ArgumentNullException.ThrowIfNull(logger);

        var root = Path.GetFullPath(dataRoot);
        Directory.CreateDirectory(root);
        var pidFile = Path.Combine(root, PidFileName);

        // A run that was killed leaves its emulators holding the data folders; a second writer would corrupt them.
        await StopLeftoversAsync(pidFile, root, logger, cancellationToken);

        var primaryStart = AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(root, "primary") }, cancellationToken);
        var secondaryStart = AzuriteProcess.StartAsync(new AzuriteStartOptions { Location = Path.Combine(root, "secondary") }, cancellationToken);
        try
        {
            await Task.WhenAll(primaryStart, secondaryStart);
        }
        catch
        {
            // Whichever region did start must not outlive the failed start.
            foreach (var start in new[] { primaryStart, secondaryStart })
            {
                if (start.IsCompletedSuccessfully)
                {
                    await (await start).DisposeAsync();
                }
            }

            throw;
        }

        var regions = new LocalRegions(root, await primaryStart, await secondaryStart);
        await File.WriteAllLinesAsync(
            pidFile,
            [Pid(regions.Primary.ProcessId), Pid(regions.Secondary.ProcessId)],
            cancellationToken);
        logger.LogInformation(
            "Local regions started: {Primary} (table port {PrimaryPort}, pid {PrimaryPid}), {Secondary} (table port {SecondaryPort}, pid {SecondaryPid}), data in {DataRoot}",
            PrimaryName, regions.Primary.TablePort, regions.Primary.ProcessId,
            SecondaryName, regions.Secondary.TablePort, regions.Secondary.ProcessId, root);
        return regions;
    }

    /// <summary>The <c>Regions</c> configuration section pointing at both local regions.</summary>
    public IReadOnlyDictionary<string, string?> ToConfiguration() => new Dictionary<string, string?>
    {
        ["Regions:Primary:Name"] = PrimaryName,
        ["Regions:Primary:ConnectionString"] = Primary.ConnectionString,
        ["Regions:Secondary:Name"] = SecondaryName,
        ["Regions:Secondary:ConnectionString"] = Secondary.ConnectionString,
    };

    /// <summary>Stops both regions with SIGTERM (so they flush) and removes the PID file. Safe to call more than once.</summary>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Primary.DisposeAsync();
        await Secondary.DisposeAsync();
    }

    /// <summary>The admin key kept in <c>&lt;dataRoot&gt;/admin-key</c>, created (32 random bytes,
    /// base64url, owner-only file) on first use so that a restart keeps the key a user already copied.</summary>
    public static string LoadOrCreateAdminKey(string dataRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);

        var path = Path.Combine(Path.GetFullPath(dataRoot), AdminKeyFileName);
        if (ReadKey(path) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only rather than chmod-ed afterwards, so the key is never readable by others.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(key);
            return key;
        }
        catch (IOException) when (ReadKey(path) is { } raced)
        {
            // Another process created it first; its key wins so both agree.
            return raced;
        }
    }

    private static string? ReadKey(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var key = File.ReadAllText(path).Trim();
        return key.Length == 0 ? null : key;
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private async Task StopCoreAsync()
    {
        try
        {
            await Task.WhenAll(Primary.StopAsync(), Secondary.StopAsync());
        }
        finally
        {
            File.Delete(_pidFile);
        }
    }

    private static async Task StopLeftoversAsync(string pidFile, string root, ILogger logger, CancellationToken cancellationToken)
    {
        if (!File.Exists(pidFile))
        {
            return;
        }

        foreach (var line in await File.ReadAllLinesAsync(pidFile, cancellationToken))
        {
            if (!int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                continue;
            }

            // A PID may have been reused by an unrelated process: signal only an Azurite serving this data root.
            if (!IsOurAzurite(pid, root))
            {
                continue;
            }

            logger.LogWarning("Stopping Azurite process {Pid} left running by an earlier run on {DataRoot}", pid, root);
            UnixSignals.Terminate(pid);
            await WaitForExitAsync(pid, root, cancellationToken);
        }

        File.Delete(pidFile);
    }

    private static bool IsOurAzurite(int pid, string root)
    {
        var arguments = ProcessCommandLine.Read(pid);
        var rootPrefix = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        return arguments.Any(a => a.Contains("azurite", StringComparison.OrdinalIgnoreCase))
            && arguments.Any(a => a.StartsWith(rootPrefix, StringComparison.Ordinal));
    }

    private static async Task WaitForExitAsync(int pid, string root, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var killed = false;

        // An exited process (or a zombie, whose cmdline is empty) no longer matches.
        while (IsOurAzurite(pid, root))
        {
            if (!killed && clock.Elapsed > LeftoverStopTimeout)
            {
                UnixSignals.Kill(pid);
                killed = true;
            }
            else if (clock.Elapsed > LeftoverStopTimeout * 2)
            {
                throw new InvalidOperationException(
                    $"Azurite process {pid} from an earlier run still uses {root} and could not be stopped; end it and start again.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
