using System.Text.Json;
using Azure.Core.Pipeline;
using Serverless.Functions.Hosting;
using Serverless.Hosting;
using Serverless.Json;
using Serverless.Storage;

// `Serverless.Functions --write-function-json <dir>` writes the deployment package's function.json files.
if (args is ["--write-function-json", var outputDirectory])
{
    foreach (var path in FunctionJsonWriter.Write(outputDirectory)) Console.WriteLine(path);
    return 0;
}

var builder = WebApplication.CreateBuilder(args);
var customHandlerPort = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
var underFunctionsHost = !string.IsNullOrEmpty(customHandlerPort);
builder.WebHost.UseUrls(underFunctionsHost ? $"http://127.0.0.1:{customHandlerPort}" : builder.Configuration["Urls"] ?? "http://127.0.0.1:7071");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024);

// Benchmarks count the storage requests per message (GetStorageRequestCount); off by default.
if (builder.Configuration.GetValue<bool>("Diagnostics:CountStorageRequests"))
{
    builder.Services.AddSingleton<StorageRequestCounter>();
    builder.Services.AddSingleton<HttpPipelinePolicy>(sp => sp.GetRequiredService<StorageRequestCounter>());
}
builder.Services.AddQueueEngine();
builder.Services.AddFunctions();
builder.Services.AddApiDocument();
builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
{
    // Routing rejects a non-JSON body before a function runs; say what to send instead.
    if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
        context.ProblemDetails.Detail = "Send the body as application/json.";
});
builder.Services.AddExceptionHandler<ProblemMapping>();
builder.Services.ConfigureHttpJsonOptions(json =>
{
    foreach (var converter in ApiJson.Options.Converters) json.SerializerOptions.Converters.Add(converter);
    json.SerializerOptions.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
});
if (!underFunctionsHost) builder.Services.AddHostedService<TimerScheduler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiKeys();
app.MapFunctions();
await app.RunAsync();
return 0;
