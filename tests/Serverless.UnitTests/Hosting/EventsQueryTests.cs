using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Serverless.Errors;
using Serverless.Functions.Hosting;

namespace Serverless.UnitTests.Hosting;

public sealed class EventsQueryTests
{
    [Fact]
    public void No_parameters_mean_all_kept_events()
    {
        var request = EventsQuery.Parse(Query());

        Assert.Null(request.Since);
        Assert.Null(request.Limit);
    }

    [Theory]
    [InlineData("2026-11-23T14:21:11.573Z", "2026-11-23T14:21:11.5730000+00:00")]
    [InlineData("2026-11-23T16:21:11+02:00", "2026-11-23T14:21:11.0000000+00:00")]
    [InlineData("2026-11-23t14:21:11.5731234z", "2026-11-23T14:21:11.5731234+00:00")]
    public void Since_is_an_rfc_3339_time_read_as_utc(string since, string expected)
    {
        var request = EventsQuery.Parse(Query(("since", since)));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), request.Since);
        Assert.Equal(TimeSpan.Zero, request.Since!.Value.Offset);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-11-23")]
    [InlineData("2026-11-23T14:21:11")]
    [InlineData("2026-11-23T14:21:11 01:00")] // an unencoded '+' arrives as a space
    [InlineData("2026-13-23T14:21:11Z")]
    [InlineData("1700000000")]
    public void Since_that_is_not_an_rfc_3339_time_with_an_offset_is_a_400_naming_it(string since)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => EventsQuery.Parse(Query(("since", since))));

        Assert.Equal(["since"], exception.Errors.Keys);
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Limit_that_is_not_an_integer_is_a_400_naming_it(string limit)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => EventsQuery.Parse(Query(("limit", limit))));

        Assert.Equal(["limit"], exception.Errors.Keys);
    }

    private static QueryCollection Query(params (string Name, string Value)[] parameters) =>
        new(parameters.ToDictionary(p => p.Name, p => new StringValues(p.Value)));
}
