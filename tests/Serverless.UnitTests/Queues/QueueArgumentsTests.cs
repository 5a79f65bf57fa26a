using Serverless.Queues;

namespace Serverless.UnitTests.Queues;

public class QueueArgumentsTests
{
    [Fact]
    public void Declaring_a_default_explicitly_is_equivalent_to_omitting_it() =>
        Assert.Empty(new QueueArguments { VisibilityTimeoutSeconds = 30 }.DifferencesFrom(QueueArguments.None));

    [Fact]
    public void Every_differing_argument_is_named_in_camel_case()
    {
        var existing = new QueueArguments { MaxLength = 10, Overflow = OverflowMode.RejectPublish };
        var declared = new QueueArguments { MaxLength = 11, DeliveryLimit = 5, Overflow = OverflowMode.RejectPublish };
        Assert.Equal(["maxLength", "deliveryLimit"], declared.DifferencesFrom(existing));
    }

    [Fact]
    public void Own_arguments_win_over_the_layer_below()
    {
        var effective = new QueueArguments { MaxLength = 5 }.Over(new QueueArguments { MaxLength = 9, MaxPriority = 3 }).Over(QueueArguments.Defaults);
        Assert.Equal(5, effective.MaxLength);
        Assert.Equal(3, effective.MaxPriority);
        Assert.Equal(30, effective.VisibilityTimeoutSeconds);
    }
}
