using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Functions.Hosting;
using Serverless.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddQueueEngine();
builder.UseServiceTelemetry();
builder.UseApiPipeline();
try
{
    builder.Build().Run();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // A bad setting is the operator's to fix: say which, once, without a stack trace; exit code 1 tells a host
    // (devhost) that starting the app again cannot help.
    foreach (var failure in invalid.Failures.Distinct()) Console.Error.WriteLine($"Invalid configuration: {failure}");
    return 1;
}
