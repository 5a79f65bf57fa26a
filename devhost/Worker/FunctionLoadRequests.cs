using Serverless.DevHost.Functions;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>The FunctionLoadRequest the host sends for a function of functions.metadata: its entry point and
/// assembly, its bindings (type, direction, data type) and the raw binding JSON.</summary>
public static class FunctionLoadRequests
{
    public static FunctionLoadRequest Create(FunctionApp app, FunctionDescription function)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(function);
        var id = Guid.NewGuid().ToString();
        var metadata = new RpcFunctionMetadata
        {
            Name = function.Name,
            FunctionId = id,
            Directory = app.Directory,
            ScriptFile = function.ScriptFile,
            EntryPoint = function.EntryPoint,
            Language = function.Language,
            IsProxy = false,
        };
        foreach (var binding in function.Bindings)
        {
            metadata.Bindings[binding.Name] = new BindingInfo
            {
                Type = binding.Type,
                Direction = Direction(binding.Direction),
                DataType = DataType(binding.DataType),
            };
            metadata.RawBindings.Add(binding.Json.ToJsonString());
        }

        return new FunctionLoadRequest { FunctionId = id, Metadata = metadata };
    }

    private static BindingInfo.Types.Direction Direction(string direction) => direction.ToUpperInvariant() switch
    {
        "OUT" => BindingInfo.Types.Direction.Out,
        "INOUT" => BindingInfo.Types.Direction.Inout,
        _ => BindingInfo.Types.Direction.In,
    };

    private static BindingInfo.Types.DataType DataType(string? dataType) => dataType?.ToUpperInvariant() switch
    {
        "STRING" => BindingInfo.Types.DataType.String,
        "BINARY" => BindingInfo.Types.DataType.Binary,
        "STREAM" => BindingInfo.Types.DataType.Stream,
        _ => BindingInfo.Types.DataType.Undefined,
    };
}
