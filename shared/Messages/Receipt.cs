using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Serverless.Messages;

/// <summary>A receipt names one lease of one message: shard + <see cref="LeaseToken"/> (including whether the message has
/// a body row, so an ack deletes it without reading first), opaque to clients.</summary>
public static class Receipt
{
    public static string Encode(int shard, LeaseToken token) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|',
            shard.ToString(CultureInfo.InvariantCulture),
            token.PriorityRank.ToString(CultureInfo.InvariantCulture),
            token.DueTicks.ToString(CultureInfo.InvariantCulture),
            token.Sequence,
            token.LeaseId,
            (token.BodyRow ? "b" : "") + (token.ReadyReplica ? "r" : ""),
            token.Version.ToString(CultureInfo.InvariantCulture))));

    public static bool TryDecode(string? receipt, out int shard, out LeaseToken token)
    {
        shard = 0;
        token = null!;
        if (string.IsNullOrEmpty(receipt) || receipt.Length > 240) return false;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(receipt);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split('|');
        if (parts.Length != 7 || parts[5] is not ("" or "b" or "r" or "br")
            || !long.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out shard) || shard > 15
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) || rank > 9
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var due)
            || parts[3].Length is 0 or > 40 || !parts[3].All(char.IsAsciiLetterOrDigit)
            || parts[4].Length is 0 or > 20 || !parts[4].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }
        token = new LeaseToken(parts[3], rank, due, parts[4], BodyRow: parts[5].Contains('b'), Version: version, ReadyReplica: parts[5].Contains('r'));
        return true;
    }
}
